//! ipld-ref: reference encoder for Filecoin KAMT (EVM contract storage) and HAMT
//! (state tree style) blocks, built with the published Rust `fvm_ipld_*` crates.
//!
//! Reads one JSON document on stdin:
//!   {"kamt": [[[keyHex, valueHex], ...], ...], "hamt": [[[keyHex, valueCborHex], ...], ...]}
//! Writes one JSON document on stdout:
//!   {"kamt": [{"root": "<cid>", "blocks": {"<cid>": "<hex>", ...}}, ...], "hamt": [...]}

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{Read, Write};

use cid::Cid;
use fvm_ipld_blockstore::{Blockstore, MemoryBlockstore};
use fvm_ipld_hamt::{BytesKey, Hamt};
use fvm_ipld_kamt::{AsHashedKey, Config as KamtConfig, HashedKey, Kamt};
use ipld_core::ipld::Ipld;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

/// DAG-CBOR multicodec.
const DAG_CBOR: u64 = 0x71;

// ---------------------------------------------------------------------------
// U256-like newtype mirroring builtin-actors' `fil_actors_evm_shared::uints::U256`
// serde behaviour: a CBOR byte string of the big-endian bytes with leading zero
// bytes stripped (zero => empty byte string). Ordering is numeric, which for a
// fixed 32-byte big-endian array equals the derived lexicographic ordering.
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct U256Like([u8; 32]);

impl U256Like {
    fn stripped(&self) -> &[u8] {
        let n = self.0.iter().take_while(|b| **b == 0).count();
        &self.0[n..]
    }

    fn from_be_slice(b: &[u8]) -> Result<Self, String> {
        if b.len() > 32 {
            return Err(format!("value is {} bytes, more than 32", b.len()));
        }
        let mut out = [0u8; 32];
        out[32 - b.len()..].copy_from_slice(b);
        Ok(U256Like(out))
    }
}

impl Serialize for U256Like {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.stripped())
    }
}

impl<'de> Deserialize<'de> for U256Like {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = U256Like;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string of at most 32 bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<U256Like, E> {
                U256Like::from_be_slice(v).map_err(E::custom)
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<U256Like, E> {
                self.visit_bytes(&v)
            }
        }
        d.deserialize_bytes(V)
    }
}

/// Same as builtin-actors' `StateHashAlgorithm`: the hashed key is the key's
/// 32 big-endian bytes, no hashing.
struct StateHashAlgorithm;

impl AsHashedKey<U256Like, 32> for StateHashAlgorithm {
    fn as_hashed_key(key: &U256Like) -> Cow<'_, HashedKey<32>> {
        Cow::Borrowed(&key.0)
    }
}

/// builtin-actors actors/evm/src/interpreter/system.rs KAMT config.
fn evm_kamt_config() -> KamtConfig {
    KamtConfig {
        bit_width: 5,
        min_data_depth: 0,
        max_array_width: 1,
    }
}

/// Bit width of the FVM state tree HAMT (fvm_shared::HAMT_BIT_WIDTH).
const HAMT_BIT_WIDTH: u32 = 5;

// ---------------------------------------------------------------------------
// Protocol
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct Input {
    #[serde(default)]
    kamt: Vec<Vec<(String, String)>>,
    #[serde(default)]
    hamt: Vec<Vec<(String, String)>>,
}

#[derive(Serialize)]
struct CaseOut {
    root: String,
    blocks: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct Output {
    kamt: Vec<CaseOut>,
    hamt: Vec<CaseOut>,
}

fn decode_hex(what: &str, s: &str) -> AnyResult<Vec<u8>> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    // Accept odd-length value hex by left-padding one nibble.
    let padded;
    let s = if s.len() % 2 == 1 {
        padded = format!("0{s}");
        padded.as_str()
    } else {
        s
    };
    hex::decode(s).map_err(|e| format!("{what}: bad hex {s:?}: {e}").into())
}

/// Collect every block reachable from `root` (following DAG-CBOR links that are
/// present in the store; links to absent blocks, e.g. CIDs held inside HAMT
/// values, are not followed).
fn collect_blocks(bs: &MemoryBlockstore, root: &Cid) -> AnyResult<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![*root];
    while let Some(c) = stack.pop() {
        let key = c.to_string();
        if out.contains_key(&key) {
            continue;
        }
        let Some(data) = bs.get(&c)? else {
            if c == *root {
                return Err(format!("root block {c} missing from store").into());
            }
            continue;
        };
        if c.codec() == DAG_CBOR {
            let node: Ipld = fvm_ipld_encoding::from_slice(&data)?;
            push_links(&node, &mut stack);
        }
        out.insert(key, hex::encode(&data));
    }
    Ok(out)
}

fn push_links(node: &Ipld, stack: &mut Vec<Cid>) {
    match node {
        Ipld::Link(c) => stack.push(*c),
        Ipld::List(l) => l.iter().for_each(|n| push_links(n, stack)),
        Ipld::Map(m) => m.values().for_each(|n| push_links(n, stack)),
        _ => {}
    }
}

fn run_kamt(case_idx: usize, pairs: &[(String, String)]) -> AnyResult<CaseOut> {
    let bs = MemoryBlockstore::default();
    let mut kamt: Kamt<_, U256Like, U256Like, StateHashAlgorithm> =
        Kamt::new_with_config(&bs, evm_kamt_config());
    for (i, (k, v)) in pairs.iter().enumerate() {
        let ctx = format!("kamt[{case_idx}][{i}]");
        let kb = decode_hex(&format!("{ctx} key"), k)?;
        if kb.len() != 32 {
            return Err(format!("{ctx}: key must be 32 bytes, got {}", kb.len()).into());
        }
        let key = U256Like::from_be_slice(&kb)?;
        let vb = decode_hex(&format!("{ctx} value"), v)?;
        let value = U256Like::from_be_slice(&vb).map_err(|e| format!("{ctx}: {e}"))?;
        kamt.set(key, value)?;
    }
    let root = kamt.flush()?;
    drop(kamt);
    Ok(CaseOut {
        root: root.to_string(),
        blocks: collect_blocks(&bs, &root)?,
    })
}

fn run_hamt(case_idx: usize, pairs: &[(String, String)]) -> AnyResult<CaseOut> {
    let bs = MemoryBlockstore::default();
    let mut hamt: Hamt<_, Ipld, BytesKey> = Hamt::new_with_bit_width(&bs, HAMT_BIT_WIDTH);
    for (i, (k, v)) in pairs.iter().enumerate() {
        let ctx = format!("hamt[{case_idx}][{i}]");
        let kb = decode_hex(&format!("{ctx} key"), k)?;
        let vb = decode_hex(&format!("{ctx} value"), v)?;
        let value: Ipld = fvm_ipld_encoding::from_slice(&vb)
            .map_err(|e| format!("{ctx}: value is not DAG-CBOR: {e}"))?;
        // The value is re-encoded inside the node; insist it round-trips byte for
        // byte so the output really embeds the caller's bytes.
        let re = fvm_ipld_encoding::to_vec(&value)?;
        if re != vb {
            return Err(format!(
                "{ctx}: value CBOR is not canonical DAG-CBOR (re-encodes as {})",
                hex::encode(&re)
            )
            .into());
        }
        hamt.set(BytesKey(kb), value)?;
    }
    let root = hamt.flush()?;
    drop(hamt);
    Ok(CaseOut {
        root: root.to_string(),
        blocks: collect_blocks(&bs, &root)?,
    })
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("ipld-ref: {e}");
        std::process::exit(1);
    }
}

fn real_main() -> AnyResult<()> {
    let mut buf = String::new();
    std::io::stdin().read_to_string(&mut buf)?;
    let input: Input = serde_json::from_str(&buf)?;
    let out = Output {
        kamt: input
            .kamt
            .iter()
            .enumerate()
            .map(|(i, c)| run_kamt(i, c))
            .collect::<AnyResult<_>>()?,
        hamt: input
            .hamt
            .iter()
            .enumerate()
            .map(|(i, c)| run_hamt(i, c))
            .collect::<AnyResult<_>>()?,
    };
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    serde_json::to_writer(&mut lock, &out)?;
    lock.write_all(b"\n")?;
    Ok(())
}
