//! Reads what this extension sends and stores — JSON values, held as plain
//! JavaScript objects, arrays, strings, numbers, booleans and null — into
//! Rust types, for the content script.
//!
//! serde-wasm-bindgen reads the same, but its error type takes serde's
//! default messages, which print the offending value; printing a value
//! means printing a float, and float formatting is 14 KB of code in every
//! module that can fail to decode (that is, all of them). Here an error
//! says what was expected, never what was found, and no float is ever
//! formatted. Numbers are read as integers when they are whole and within
//! JavaScript's safe range, else as floats, which every numeric field of
//! serde accepts.

use std::fmt;

use js_sys::{Array, Object};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// Why a value could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
    fn invalid_type(_: de::Unexpected, expected: &dyn de::Expected) -> Self {
        Error(format!("not {expected}"))
    }
    fn invalid_value(_: de::Unexpected, expected: &dyn de::Expected) -> Self {
        Error(format!("not {expected}"))
    }
    fn invalid_length(len: usize, expected: &dyn de::Expected) -> Self {
        Error(format!("{len} items, not {expected}"))
    }
    fn unknown_variant(variant: &str, _: &'static [&'static str]) -> Self {
        Error(format!("unknown variant `{variant}`"))
    }
    fn unknown_field(field: &str, _: &'static [&'static str]) -> Self {
        Error(format!("unknown field `{field}`"))
    }
    fn missing_field(field: &'static str) -> Self {
        Error(format!("missing field `{field}`"))
    }
    fn duplicate_field(field: &'static str) -> Self {
        Error(format!("duplicate field `{field}`"))
    }
}

/// Reads `value` as a `T`.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Error> {
    T::deserialize(Reader(value))
}

/// The largest integer a JavaScript number holds exactly.
const SAFE: f64 = 9_007_199_254_740_991.0;

/// A value being read.
struct Reader(JsValue);

impl<'de> de::Deserializer<'de> for Reader {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = self.0;
        if v.is_null() || v.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = v.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = v.as_f64() {
            if n.fract() == 0.0 && n.abs() <= SAFE {
                if n < 0.0 {
                    visitor.visit_i64(n as i64)
                } else {
                    visitor.visit_u64(n as u64)
                }
            } else {
                visitor.visit_f64(n)
            }
        } else if let Some(s) = v.as_string() {
            visitor.visit_string(s)
        } else if Array::is_array(&v) {
            let items: Array = v.unchecked_into();
            visitor.visit_seq(Items { len: items.length(), items, at: 0 })
        } else if v.is_object() {
            let entries = Object::entries(v.unchecked_ref());
            visitor.visit_map(Entries { len: entries.length(), entries, at: 0, value: None })
        } else {
            Err(Error("not a JSON value".into()))
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // A unit variant is its name; any other, `{ name: content }`.
        if let Some(name) = self.0.as_string() {
            return visitor.visit_enum(name.into_deserializer());
        }
        let entries = if self.0.is_object() { Object::entries(self.0.unchecked_ref()) } else { Array::new() };
        if entries.length() != 1 {
            return Err(Error("not an enum variant".into()));
        }
        let pair: Array = entries.get(0).unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        visitor.visit_enum(Variant { name, content: pair.get(1) })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// An array's items.
struct Items {
    items: Array,
    len: u32,
    at: u32,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if self.at >= self.len {
            return Ok(None);
        }
        self.at += 1;
        seed.deserialize(Reader(self.items.get(self.at - 1))).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.len - self.at) as usize)
    }
}

/// An object's own properties, as `[key, value]` pairs.
struct Entries {
    entries: Array,
    len: u32,
    at: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        if self.at >= self.len {
            return Ok(None);
        }
        let pair: Array = self.entries.get(self.at).unchecked_into();
        self.at += 1;
        self.value = Some(pair.get(1));
        seed.deserialize(Key(pair.get(0).as_string().unwrap_or_default())).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().ok_or_else(|| Error("a value without its key".into()))?;
        seed.deserialize(Reader(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.len - self.at) as usize)
    }
}

/// An object's key: a string, or a number written as one (a map keyed by
/// numbers, as JSON writes it).
struct Key(String);

impl Key {
    fn number<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Ok(n) = self.0.parse::<u64>() {
            visitor.visit_u64(n)
        } else if let Ok(n) = self.0.parse::<i64>() {
            visitor.visit_i64(n)
        } else {
            visitor.visit_string(self.0)
        }
    }
}

impl<'de> de::Deserializer<'de> for Key {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.0)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.number(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i128 u8 u16 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// An enum written `{ name: content }`.
struct Variant {
    name: String,
    content: JsValue,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = Reader;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Reader), Error> {
        let name = seed.deserialize(self.name.into_deserializer())?;
        Ok((name, Reader(self.content)))
    }
}

impl<'de> de::VariantAccess<'de> for Reader {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}
