//! A team of threads that sample one routine together, for `#[perf_test(threads = [1, 2, 4])]`:
//! the time of one call while N threads make calls at the same time (contention on locks,
//! atomics, shared caches, the allocator).
//!
//! Every thread runs the user's function with a [`Bencher`](super::Bencher) of its own (so
//! setup is per thread) and enters the team when it calls `b.iter*`. The leader (member 0) runs
//! the ordinary sampling loop; for each batch of `k` iterations it tells every member to run
//! `k`, all of them pass a barrier so they start together, each times its own `k` calls, and the
//! batch's time is the mean of the members' times. A sample is therefore the mean per-call time
//! across the threads, and the sampler's plan (warm-up, batch size, time cap) applies unchanged.
//!
//! A member that panics, or returns without calling `b.iter*`, aborts the team: the others stop
//! waiting and unwind with [`Aborted`] (through `resume_unwind`, so no second panic message is
//! printed), and the runtime reports the first real panic or the misuse.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::clock::Clock;
use super::plan::Plan;
use super::sampler::{self, Sampled};

/// The unwind payload of a member whose team was aborted by another member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Aborted;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Run(u64),
    Stop,
}

#[derive(Debug)]
struct State {
    command: Command,
    /// Members waiting at the barrier.
    waiting: usize,
    /// Bumped each time the barrier opens.
    generation: u64,
    /// The members' times for the current batch.
    elapsed: Vec<Duration>,
    aborted: bool,
}

#[derive(Debug)]
struct Team {
    size: usize,
    state: Mutex<State>,
    changed: Condvar,
}

/// One thread's handle on its team.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    team: Arc<Team>,
    index: usize,
    /// Whether this member has run its part of the protocol to the end.
    done: Arc<Mutex<bool>>,
}

/// A team of `size` members (at least one); member 0 leads.
pub(crate) fn team(size: usize) -> Vec<Member> {
    let team = Arc::new(Team {
        size: size.max(1),
        state: Mutex::new(State {
            command: Command::Stop,
            waiting: 0,
            generation: 0,
            elapsed: Vec::with_capacity(size),
            aborted: false,
        }),
        changed: Condvar::new(),
    });
    (0..size.max(1))
        .map(|index| Member {
            team: Arc::clone(&team),
            index,
            done: Arc::new(Mutex::new(false)),
        })
        .collect()
}

impl Member {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.team.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until every member arrives; unwinds with [`Aborted`] when the team is aborted.
    fn barrier(&self) {
        let mut state = self.lock();
        if state.aborted {
            drop(state);
            std::panic::resume_unwind(Box::new(Aborted));
        }
        let generation = state.generation;
        state.waiting += 1;
        if state.waiting == self.team.size {
            state.waiting = 0;
            state.generation += 1;
            self.team.changed.notify_all();
            return;
        }
        while state.generation == generation && !state.aborted {
            state = self
                .team
                .changed
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
        }
        if state.generation == generation {
            drop(state);
            std::panic::resume_unwind(Box::new(Aborted));
        }
    }

    /// This member's part of the team's sampling loop over `batch`: the leader's samples, or
    /// `None` for every other member (and for a member whose team already finished: a second
    /// `b.iter*` call, which the runtime reports as misuse).
    pub(crate) fn sample(
        &self,
        plan: &Plan,
        clock: &Clock,
        mut batch: impl FnMut(u64) -> Duration,
    ) -> Option<Sampled> {
        if *self.done.lock().unwrap_or_else(|p| p.into_inner()) {
            return None;
        }
        if self.index == 0 {
            let sampled = sampler::sample(plan, clock, |k| self.lead_batch(k, &mut batch));
            self.lock().command = Command::Stop;
            self.barrier();
            self.finish();
            return Some(sampled);
        }
        loop {
            self.barrier();
            let command = self.lock().command;
            match command {
                Command::Stop => {
                    self.finish();
                    return None;
                }
                Command::Run(k) => {
                    let elapsed = batch(k);
                    self.lock().elapsed.push(elapsed);
                    self.barrier();
                }
            }
        }
    }

    /// One batch of `k` iterations on every member, started together: the mean of their times.
    fn lead_batch(&self, k: u64, batch: &mut impl FnMut(u64) -> Duration) -> Duration {
        self.lock().command = Command::Run(k);
        self.barrier();
        let elapsed = batch(k);
        self.lock().elapsed.push(elapsed);
        self.barrier();
        let times: Vec<Duration> = std::mem::take(&mut self.lock().elapsed);
        let total: Duration = times.iter().sum();
        total / times.len().max(1) as u32
    }

    fn finish(&self) {
        *self.done.lock().unwrap_or_else(|p| p.into_inner()) = true;
    }

    /// Called when this member's thread leaves the user's function (returning or unwinding):
    /// a member that did not finish the protocol aborts the team, so no one waits for it.
    pub(crate) fn leave(&self) {
        if !*self.done.lock().unwrap_or_else(|p| p.into_inner()) {
            self.lock().aborted = true;
            self.team.changed.notify_all();
        }
    }
}

/// Leaves the team when dropped, also while unwinding from a panic in the user's function.
pub(crate) struct LeaveOnDrop(pub Member);

impl Drop for LeaveOnDrop {
    fn drop(&mut self) {
        self.0.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Mode;

    fn plan() -> Plan {
        Plan::new(Mode::Full, Some(5), Some(0), Some(20_000_000))
    }

    fn clock() -> Clock {
        Clock {
            cost_ns: 0.0,
            resolution_ns: 1.0,
        }
    }

    /// Every member runs the same batches; the leader's samples are the mean of the members'
    /// reported times (here member i reports (i + 1) µs per iteration: mean 2 µs for three).
    #[test]
    fn a_sample_is_the_mean_of_the_members_times() {
        let members = team(3);
        let results: Vec<(Option<Sampled>, Vec<u64>)> = std::thread::scope(|s| {
            let handles: Vec<_> = members
                .into_iter()
                .map(|member| {
                    s.spawn(move || {
                        let per_iter = Duration::from_micros(member.index as u64 + 1);
                        let mut batches = Vec::new();
                        let sampled = member.sample(&plan(), &clock(), |k| {
                            batches.push(k);
                            per_iter * k as u32
                        });
                        member.leave();
                        (sampled, batches)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let sampled = results[0].0.as_ref().expect("the leader gets the samples");
        assert!(results[1..].iter().all(|(s, _)| s.is_none()));
        assert!(!sampled.times_ns.is_empty());
        for t in &sampled.times_ns {
            assert!((t - 2_000.0).abs() < 1e-6, "{t}");
        }
        // Every member ran exactly the batches the leader asked for.
        assert!(results.iter().all(|(_, b)| *b == results[0].1));
    }

    /// A member that returns without sampling aborts the team instead of leaving the others
    /// waiting forever.
    #[test]
    fn a_member_that_leaves_early_aborts_the_team() {
        let members = team(2);
        let outcomes: Vec<bool> = std::thread::scope(|s| {
            let handles: Vec<_> = members
                .into_iter()
                .map(|member| {
                    s.spawn(move || {
                        if member.index == 1 {
                            member.leave();
                            return;
                        }
                        let _ = member.sample(&plan(), &clock(), Duration::from_nanos);
                        member.leave();
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(()) => true,
                    Err(payload) => {
                        assert!(payload.downcast_ref::<Aborted>().is_some());
                        false
                    }
                })
                .collect()
        });
        assert_eq!(outcomes, [false, true]);
    }
}
