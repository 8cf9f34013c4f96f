//! XML plumbing: the envelope writer, the response reader and the value codec.

pub mod codec;
pub mod reader;
pub mod writer;

pub use codec::{DecodeError, Slot, Value, XmlObject};
pub use reader::{Element, ParseError, parse};
pub use writer::XmlWriter;
