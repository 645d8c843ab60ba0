//! perfkit's history store (being written).
