//! A tolerant RQL parser.
//!
//! Accepted beyond the canonical `fn(args)` form: top-level `,` or `&` for `and`, `|` for `or`,
//! parenthesised groups, FIQL comparisons (`prop=eq=value`, `prop=value`), `in(prop,a,b)` without the
//! inner parentheses, `limit(count)`, case-insensitive function names, whitespace around tokens and
//! a leading `?`. Names and values are percent-decoded after the structure has been split, so an
//! encoded `%2C` is data, never a separator. `|` binds tighter than `,`/`&`.

use percent_encoding::percent_decode_str;

use super::ast::{CmpOp, Query, SortKey, Value};

/// Why a query could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The query is empty.
    #[error("empty RQL query")]
    Empty,
    /// A token that does not fit the grammar.
    #[error("unexpected {found} at token {pos} of the RQL query, expected {expected}")]
    Unexpected {
        /// Index of the token.
        pos: usize,
        /// What was found.
        found: String,
        /// What the grammar wanted.
        expected: &'static str,
    },
    /// A function this parser does not know.
    #[error("unknown RQL function `{0}`")]
    UnknownFunction(String),
    /// A `limit` argument that is not a non-negative integer.
    #[error("invalid number `{0}` in RQL limit()")]
    InvalidNumber(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Comma,
    Amp,
    Pipe,
    Equals,
    Word(String),
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Open => "`(`".into(),
            Tok::Close => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Amp => "`&`".into(),
            Tok::Pipe => "`|`".into(),
            Tok::Equals => "`=`".into(),
            Tok::Word(w) => format!("`{w}`"),
        }
    }
}

fn lex(input: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, toks: &mut Vec<Tok>| {
        let trimmed = word.trim_matches(|c: char| c.is_ascii_whitespace());
        if !trimmed.is_empty() {
            toks.push(Tok::Word(trimmed.to_owned()));
        }
        word.clear();
    };
    for c in input.chars() {
        let tok = match c {
            '(' => Tok::Open,
            ')' => Tok::Close,
            ',' => Tok::Comma,
            '&' => Tok::Amp,
            '|' => Tok::Pipe,
            '=' => Tok::Equals,
            other => {
                word.push(other);
                continue;
            }
        };
        flush(&mut word, &mut toks);
        toks.push(tok);
    }
    flush(&mut word, &mut toks);
    toks
}

fn decode(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

/// Parses an RQL query string (the part after `?`, raw or already split from the URL).
pub fn parse(input: &str) -> Result<Query, ParseError> {
    let input = input.strip_prefix('?').unwrap_or(input);
    let toks = lex(input);
    if toks.is_empty() {
        return Err(ParseError::Empty);
    }
    let mut p = Parser { toks, pos: 0 };
    let mut items = p.and_list(true)?;
    if p.pos < p.toks.len() {
        return Err(p.unexpected("end of query"));
    }
    Ok(if items.len() == 1 {
        items.remove(0)
    } else {
        Query::And(items)
    })
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, offset: usize) -> Option<&Tok> {
        self.toks.get(self.pos + offset)
    }

    fn unexpected(&self, expected: &'static str) -> ParseError {
        let found = self
            .peek()
            .map_or_else(|| "end of query".to_owned(), Tok::describe);
        ParseError::Unexpected {
            pos: self.pos,
            found,
            expected,
        }
    }

    fn expect(&mut self, tok: &Tok, expected: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `or_expr ((',' | '&') or_expr)*`; a comma only separates when `comma_is_and`.
    fn and_list(&mut self, comma_is_and: bool) -> Result<Vec<Query>, ParseError> {
        let mut items = vec![self.or_expr()?];
        loop {
            match self.peek() {
                Some(Tok::Amp) => self.pos += 1,
                Some(Tok::Comma) if comma_is_and => self.pos += 1,
                _ => return Ok(items),
            }
            items.push(self.or_expr()?);
        }
    }

    fn or_expr(&mut self) -> Result<Query, ParseError> {
        let mut items = vec![self.term()?];
        while self.eat(&Tok::Pipe) {
            items.push(self.term()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Query::Or(items)
        })
    }

    /// One argument of `and(...)`/`or(...)`/`not(...)`: terms joined by `|` or `&`.
    fn arg_query(&mut self) -> Result<Query, ParseError> {
        let mut items = self.and_list(false)?;
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Query::And(items)
        })
    }

    fn term(&mut self) -> Result<Query, ParseError> {
        match (self.peek(), self.peek_at(1)) {
            (Some(Tok::Open), _) => {
                self.pos += 1;
                let mut items = self.and_list(true)?;
                self.expect(&Tok::Close, "`)` closing a group")?;
                Ok(if items.len() == 1 {
                    items.remove(0)
                } else {
                    Query::And(items)
                })
            }
            (Some(Tok::Word(name)), Some(Tok::Open)) => {
                let name = decode(name).to_ascii_lowercase();
                self.pos += 2;
                let q = self.call(&name)?;
                self.expect(&Tok::Close, "`)` closing a function call")?;
                Ok(q)
            }
            (Some(Tok::Word(_)), Some(Tok::Equals)) => self.fiql(),
            _ => Err(self.unexpected("a function call, a group or a FIQL comparison")),
        }
    }

    /// A text argument: a word, or nothing (empty text) before `,` or `)`.
    fn text(&mut self) -> Result<String, ParseError> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let text = decode(w);
                self.pos += 1;
                Ok(text)
            }
            Some(Tok::Comma | Tok::Close) | None => Ok(String::new()),
            _ => Err(self.unexpected("a name or a value")),
        }
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        if let (Some(Tok::Word(w)), Some(Tok::Open)) = (self.peek(), self.peek_at(1)) {
            let constant = match decode(w).to_ascii_lowercase().as_str() {
                "null" => Value::Null,
                "true" => Value::True,
                "false" => Value::False,
                other => return Err(ParseError::UnknownFunction(other.to_owned())),
            };
            self.pos += 2;
            self.expect(&Tok::Close, "`)` after a constant")?;
            return Ok(constant);
        }
        self.text().map(Value::Text)
    }

    fn value_list(&mut self) -> Result<Vec<Value>, ParseError> {
        let mut values = Vec::new();
        if self.eat(&Tok::Open) {
            if !self.eat(&Tok::Close) {
                values.push(self.value()?);
                while self.eat(&Tok::Comma) {
                    values.push(self.value()?);
                }
                self.expect(&Tok::Close, "`)` closing a value list")?;
            }
        } else {
            values.push(self.value()?);
        }
        while self.eat(&Tok::Comma) {
            values.push(self.value()?);
        }
        Ok(values)
    }

    fn number(&mut self) -> Result<u64, ParseError> {
        let text = self.text()?;
        text.trim()
            .parse()
            .map_err(|_| ParseError::InvalidNumber(text))
    }

    fn comma(&mut self) -> Result<(), ParseError> {
        self.expect(&Tok::Comma, "`,` between arguments")
    }

    /// Arguments of `name(`, up to (not including) the closing parenthesis.
    fn call(&mut self, name: &str) -> Result<Query, ParseError> {
        if let Some(op) = CmpOp::from_name(name) {
            let prop = self.text()?;
            self.comma()?;
            let value = self.value()?;
            return Ok(Query::Compare { op, prop, value });
        }
        Ok(match name {
            "implementing" => Query::Implementing(self.text()?),
            "composing" => Query::Composing(self.text()?),
            "linkedwith" => Query::LinkedWith(self.text()?),
            "like" => {
                let prop = self.text()?;
                self.comma()?;
                Query::Like {
                    prop,
                    pattern: self.text()?,
                }
            }
            "in" | "out" => {
                let prop = self.text()?;
                self.comma()?;
                let values = self.value_list()?;
                if name == "in" {
                    Query::In { prop, values }
                } else {
                    Query::Out { prop, values }
                }
            }
            "and" | "or" => {
                let mut items = Vec::new();
                if self.peek() != Some(&Tok::Close) {
                    items.push(self.arg_query()?);
                    while self.eat(&Tok::Comma) {
                        items.push(self.arg_query()?);
                    }
                }
                if name == "and" {
                    Query::And(items)
                } else {
                    Query::Or(items)
                }
            }
            "not" => Query::Not(Box::new(self.arg_query()?)),
            "limit" => {
                let first = self.number()?;
                if self.eat(&Tok::Comma) {
                    Query::Limit {
                        start: first,
                        count: self.number()?,
                    }
                } else {
                    Query::Limit {
                        start: 0,
                        count: first,
                    }
                }
            }
            "sort" => Query::Sort(self.names()?.into_iter().map(sort_key).collect()),
            "select" => Query::Select(self.names()?.into_iter().map(|raw| decode(&raw)).collect()),
            other => return Err(ParseError::UnknownFunction(other.to_owned())),
        })
    }

    /// Raw (undecoded) comma-separated words up to `)`; none for `fn()`.
    fn names(&mut self) -> Result<Vec<String>, ParseError> {
        let mut names = Vec::new();
        if self.peek() == Some(&Tok::Close) {
            return Ok(names);
        }
        loop {
            match self.peek() {
                Some(Tok::Word(w)) => {
                    names.push(w.clone());
                    self.pos += 1;
                }
                Some(Tok::Comma | Tok::Close) => names.push(String::new()),
                _ => return Err(self.unexpected("a property name")),
            }
            if !self.eat(&Tok::Comma) {
                return Ok(names);
            }
        }
    }

    /// `prop=op=value` or `prop=value`.
    fn fiql(&mut self) -> Result<Query, ParseError> {
        let prop = self.text()?;
        self.expect(&Tok::Equals, "`=`")?;
        let op = match (self.peek(), self.peek_at(1)) {
            (Some(Tok::Word(op)), Some(Tok::Equals)) => decode(op).to_ascii_lowercase(),
            _ => {
                return Ok(Query::Compare {
                    op: CmpOp::Eq,
                    prop,
                    value: self.value()?,
                });
            }
        };
        self.pos += 2;
        if let Some(cmp) = CmpOp::from_name(&op) {
            return Ok(Query::Compare {
                op: cmp,
                prop,
                value: self.value()?,
            });
        }
        match op.as_str() {
            "like" => Ok(Query::Like {
                prop,
                pattern: self.text()?,
            }),
            "in" => Ok(Query::In {
                prop,
                values: self.value_list()?,
            }),
            "out" => Ok(Query::Out {
                prop,
                values: self.value_list()?,
            }),
            _ => Err(ParseError::UnknownFunction(op)),
        }
    }
}

/// A raw sort word: an optional `+`/`-` prefix (a form-decoded `+` arrives as a space, which the
/// lexer trims), then the encoded property name.
fn sort_key(raw: String) -> SortKey {
    match raw.as_bytes().first() {
        Some(b'-') => SortKey {
            prop: decode(&raw[1..]),
            descending: true,
        },
        Some(b'+') => SortKey {
            prop: decode(&raw[1..]),
            descending: false,
        },
        _ => SortKey {
            prop: decode(&raw),
            descending: false,
        },
    }
}
