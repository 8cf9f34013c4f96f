//! Fuzzes the response read path: `parse_response` (XML parsing, envelope and fault handling,
//! fault classification) followed by decoding into every data object type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ox::{
    Context, Quota, ResellerAdmin, ResellerContext, Restriction, Returns, User, UserModuleAccess,
};

fn decode_all(r: &Returns) {
    let _ = r.clone().many::<User>();
    let _ = r.clone().many::<Context>();
    let _ = r.clone().many::<ResellerContext>();
    let _ = r.clone().many::<ResellerAdmin>();
    let _ = r.clone().many::<Restriction>();
    let _ = r.clone().many::<Quota>();
    let _ = r.clone().one::<UserModuleAccess>();
    let _ = r.clone().optional::<String>();
    let _ = r.clone().one::<bool>();
}

fuzz_target!(|data: &[u8]| {
    // First byte picks the HTTP status, the rest is the body.
    let (status, body) = match data.split_first() {
        Some((s, rest)) => ([200u16, 500, 502, 401, 404, 204][usize::from(*s) % 6], rest),
        None => (200, data),
    };
    for op in ["getData", "create"] {
        match ox::parse_response(status, body, op) {
            Ok(returns) => decode_all(&returns),
            Err(e) => {
                let _ = (e.is_retryable(), e.exception_id(), e.to_string());
            }
        }
    }
});
