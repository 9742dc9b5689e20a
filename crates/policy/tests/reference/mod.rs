//! A deliberately naive reference model of IAM policy evaluation, written straight from
//! POLICY-SPEC A2–A7 and sharing no code with the engine: policies are plain structs rendered
//! to JSON for the engine, wildcards are matched by naive recursion, nothing is indexed or
//! compiled. Also home of the proptest generators used by the property and differential tests.
#![allow(dead_code)]

pub mod engine;
pub mod model;
pub mod strategies;
