//! Generated passwords for OX context admins and users created without one.

use rand::Rng;

/// Letters and digits without look-alikes (0/O, 1/l/I), plus a few symbols OX accepts everywhere.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.";

/// A random password of `len` characters from the OS random generator.
pub fn generate(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_have_the_length_and_alphabet_and_differ() {
        let a = super::generate(24);
        assert_eq!(a.len(), 24);
        assert!(a.bytes().all(|b| super::ALPHABET.contains(&b)));
        assert_ne!(a, super::generate(24));
    }
}
