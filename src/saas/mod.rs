//! The Spec Kitty SaaS side: error envelopes (and, as it lands, the tracker API client).

pub mod errors;
