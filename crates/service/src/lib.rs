//! The service kernel of Portcullis: what every AWS service implementation (IAM, STS, …)
//! stands on.
//!
//! * [`State`]: all IAM entities in memory, in persistent maps; published as an immutable
//!   snapshot that authorization reads without locks or database round trips.
//! * [`Service::write`]: the one write path (change a copy through a [`Tx`], commit to the
//!   [`portcullis_store::Store`], publish).
//! * [`Caller`]: the authenticated principal of a request; [`authorize`]: the decision, by
//!   the policy engine, whether it may perform an action on a resource.

pub mod authorize;
pub mod caller;
pub mod clock;
pub mod entity;
pub mod managed;
mod service;
pub mod session;
pub mod state;
mod tx;
pub mod usage;

pub use authorize::{authorize, authorize_resource, PrincipalPolicies, ResourcePolicy};
pub use caller::{Caller, CallerKind, RequestInfo};
pub use clock::{Clock, OffsetClock, SystemClock};
pub use service::{BootstrapKeys, Service, ServiceConfig};
pub use state::State;
pub use tx::Tx;
