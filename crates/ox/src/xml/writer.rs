//! A small, allocation-light XML writer for request envelopes.
//!
//! Output is deterministic: one element per line, two spaces of indentation per level, leaf
//! text on the same line as its tags (`<d:name>x</d:name>`), an element without children
//! written self-closing. Whitespace between elements is insignificant to OX (JAXB ignores it),
//! and the layout keeps recorded envelopes readable.

use crate::ns::Ns;

/// Writes elements with the fixed prefixes of [`Ns`].
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
    depth: usize,
    /// Buffer length right after the last start tag; equal to `buf.len()` while the element
    /// is still empty.
    open_end: Option<usize>,
    invalid_char: Option<char>,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends raw markup (no escaping), e.g. the XML declaration.
    pub fn raw(&mut self, markup: &str) {
        self.buf.push_str(markup);
        self.open_end = None;
    }

    /// Writes a start tag on a new line.
    pub fn open(&mut self, ns: Ns, name: &str) {
        self.open_with_attrs(ns, name, &[]);
    }

    /// Writes a start tag with attributes (values are written as given: pass only
    /// attribute-safe text such as namespace URIs).
    pub fn open_with_attrs(&mut self, ns: Ns, name: &str, attrs: &[(&str, &str)]) {
        self.newline();
        self.tag_start(ns, name);
        for (key, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(key);
            self.buf.push_str("=\"");
            self.buf.push_str(value);
            self.buf.push('"');
        }
        self.buf.push('>');
        self.depth += 1;
        self.open_end = Some(self.buf.len());
    }

    /// Closes the element opened last; an element without children becomes `<p:n/>`.
    pub fn close(&mut self, ns: Ns, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        if self.open_end == Some(self.buf.len()) {
            self.buf.pop();
            self.buf.push_str("/>");
        } else {
            self.newline();
            self.buf.push_str("</");
            self.qname(ns, name);
            self.buf.push('>');
        }
        self.open_end = None;
    }

    /// Writes `<p:name>text</p:name>` on its own line, escaping the text. An empty string is
    /// written as `<p:name></p:name>`, which OX reads as the empty string (not nil).
    pub fn leaf(&mut self, ns: Ns, name: &str, text: &str) {
        self.newline();
        self.tag_start(ns, name);
        self.buf.push('>');
        self.text(text);
        self.buf.push_str("</");
        self.qname(ns, name);
        self.buf.push('>');
        self.open_end = None;
    }

    /// The first character seen that XML 1.0 cannot carry (not even escaped), if any.
    pub fn invalid_char(&self) -> Option<char> {
        self.invalid_char
    }

    /// The markup written so far.
    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// Consumes the writer and returns the markup.
    pub fn into_string(self) -> String {
        self.buf
    }

    fn newline(&mut self) {
        if !self.buf.is_empty() {
            self.buf.push('\n');
        }
        for _ in 0..self.depth {
            self.buf.push_str("  ");
        }
    }

    fn tag_start(&mut self, ns: Ns, name: &str) {
        self.buf.push('<');
        self.qname(ns, name);
    }

    fn qname(&mut self, ns: Ns, name: &str) {
        self.buf.push_str(ns.prefix());
        self.buf.push(':');
        self.buf.push_str(name);
    }

    fn text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '&' => self.buf.push_str("&amp;"),
                '<' => self.buf.push_str("&lt;"),
                '>' => self.buf.push_str("&gt;"),
                // Keep carriage returns: a literal CR would be normalised to LF by the parser.
                '\r' => self.buf.push_str("&#13;"),
                '\t' | '\n' => self.buf.push(c),
                c if is_xml_char(c) => self.buf.push(c),
                c => {
                    self.invalid_char.get_or_insert(c);
                }
            }
        }
    }
}

/// Whether XML 1.0 can carry the character (production `Char`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_elements_are_indented_and_empty_ones_collapse() {
        let mut w = XmlWriter::new();
        w.open(Ns::Service, "create");
        w.open(Ns::Service, "ctx");
        w.leaf(Ns::Data, "id", "5");
        w.close(Ns::Service, "ctx");
        w.open(Ns::Service, "empty");
        w.close(Ns::Service, "empty");
        w.close(Ns::Service, "create");
        assert_eq!(
            w.as_str(),
            "<s:create>\n  <s:ctx>\n    <d:id>5</d:id>\n  </s:ctx>\n  <s:empty/>\n</s:create>"
        );
    }

    #[test]
    fn text_is_escaped_and_empty_leaf_is_explicit() {
        let mut w = XmlWriter::new();
        w.leaf(Ns::Data, "name", "a&b<c>\"d'\r\n");
        w.leaf(Ns::Data, "email2", "");
        assert_eq!(
            w.as_str(),
            "<d:name>a&amp;b&lt;c&gt;\"d'&#13;\n</d:name>\n<d:email2></d:email2>"
        );
        assert_eq!(w.invalid_char(), None);
    }

    #[test]
    fn control_characters_are_reported_not_written() {
        let mut w = XmlWriter::new();
        w.leaf(Ns::Data, "name", "a\u{1}b\u{FFFE}");
        assert_eq!(w.as_str(), "<d:name>ab</d:name>");
        assert_eq!(w.invalid_char(), Some('\u{1}'));
    }
}
