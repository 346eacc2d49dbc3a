//! The session lifecycle as one sans-IO state machine: login, refresh-token rotation shared
//! by every tab or request through a compare-and-set store, the server clock, the error
//! catalogue, the idle policy and logout. Events go in with `now`
//! (`Session::handle`), commands come out (`Session::poll`), and `Session::next_deadline`
//! says when to call back with `Event::Timer`. No I/O, no clock, no randomness of its own.

pub mod backoff;
pub mod catalogue;
pub mod cause;
pub mod clock;
pub mod config;
pub mod io;
mod machine;
mod mutation;
pub mod state;
pub mod wire;

pub use cause::Cause;
pub use config::{Backchannel, Config, Flow};
pub use io::{Command, Event, Notice, PublicJwk};
pub use machine::{Access, Now, Session, View, LEASE_MARGIN_MS, MIN_REFRESH_INTERVAL_MS, UNKNOWN_LIFETIME};
pub use state::{State, Tokens};
