//! Maps keyed by file paths, as the caches hold them, written with each path as one run of
//! bytes. Serde's own form of an `OsString` is a list of single bytes, which costs a call per
//! byte to write and to read: tens of thousands of paths made that a tenth of a rebuild.
//! Read with `#[serde(deserialize_with = "crate::output::path_keys::deserialize")]`, written
//! with [`Key`].

use std::ffi::{OsStr, OsString};
use std::marker::PhantomData;

use rustc_hash::FxHashMap;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};

/// A path's bytes, written as one run.
pub struct Key<'a>(pub &'a OsStr);

impl Serialize for Key<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0.as_encoded_bytes())
    }
}

pub fn deserialize<'de, V: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<FxHashMap<OsString, V>, D::Error> {
    d.deserialize_map(MapOf(PhantomData))
}

struct MapOf<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for MapOf<V> {
    type Value = FxHashMap<OsString, V>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a map keyed by paths")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = FxHashMap::default();
        map.reserve(access.size_hint().unwrap_or(0));
        while let Some((OwnedKey(path), value)) = access.next_entry()? {
            map.insert(path, value);
        }
        Ok(map)
    }
}

struct OwnedKey(OsString);

impl<'de> Deserialize<'de> for OwnedKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_byte_buf(KeyBytes)
    }
}

struct KeyBytes;

impl Visitor<'_> for KeyBytes {
    type Value = OwnedKey;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the bytes of a path")
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<OwnedKey, E> {
        self.visit_byte_buf(bytes.to_vec())
    }

    fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<OwnedKey, E> {
        #[cfg(unix)]
        let path = std::os::unix::ffi::OsStringExt::from_vec(bytes);
        // Elsewhere the bytes were written from text unless the name could not be: such a
        // cache is not read, and the build starts from scratch.
        #[cfg(not(unix))]
        let path = OsString::from(String::from_utf8(bytes).map_err(E::custom)?);
        Ok(OwnedKey(path))
    }
}
