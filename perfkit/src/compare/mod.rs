//! Judging results: budget checks (and, later, comparison with a baseline).
