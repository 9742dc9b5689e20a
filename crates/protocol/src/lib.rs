//! The AWS Query wire protocol as IAM and STS speak it, independent of either service.
//!
//! * [`QueryRequest`] / [`QueryParams`] decode a form-encoded request (body and/or URL query)
//!   and read scalars, `Name.member.N` lists and nested structures, reporting missing or
//!   mistyped members with AWS's `ValidationError` texts.
//! * [`ResponseWriter`] renders `<{Action}Response>` documents; [`AwsError::to_xml`] renders
//!   `<ErrorResponse>`. All text is escaped and XML-illegal characters are neutralised, so no
//!   stored value can inject markup.
//! * [`Page`] implements `MaxItems`/`Marker` pagination with opaque, key-based markers.
//! * [`new_request_id`] makes the UUID request ids AWS returns.
//!
//! The crate is pure: no I/O, no global state beyond the thread-local CSPRNG used for ids.

mod error;
mod pagination;
mod query;
mod request_id;
mod xml;

pub use error::{validation_summary, AwsError, ErrorKind, KNOWN_ERRORS};
pub use pagination::{
    decode_marker, encode_marker, invalid_marker, paginate, Page, PageSlice, DEFAULT_MAX_ITEMS,
    MAX_MARKER_LEN, MAX_MAX_ITEMS,
};
pub use query::{lower_first, QueryParams, QueryRequest, MAX_PARAMETERS};
pub use request_id::{new_request_id, request_id_from};
pub use time;
pub use xml::{
    escape_attr, escape_text, format_timestamp, format_timestamp_millis, is_xml_char,
    ResponseWriter, IAM_NAMESPACE, IAM_VERSION, STS_NAMESPACE, STS_VERSION,
};

#[cfg(test)]
mod xml_tests;
