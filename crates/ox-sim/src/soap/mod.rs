//! SOAP wire handling: request parsing, schema-guided decoding, response and fault
//! writing.

pub mod decode;
pub mod encode;
pub mod envelope;
pub mod fault;
