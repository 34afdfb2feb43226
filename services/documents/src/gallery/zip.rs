//! A ZIP of files streamed as it is written: each entry stored (photos do not deflate),
//! its CRC-32 found while its bytes pass and written after them (a data descriptor), the
//! central directory at the end; ZIP64 records only where an offset or count needs them.
//! Nothing holds more than one chunk of one file.

use bytes::{BufMut, Bytes, BytesMut};

/// What the central directory needs of one written entry.
pub struct Entry {
    name: String,
    crc: u32,
    size: u64,
    offset: u64,
}

/// The archive being written: how far it got, and its entries.
#[derive(Default)]
pub struct Writer {
    offset: u64,
    entries: Vec<Entry>,
    names: std::collections::HashSet<String>,
}

const DOS_TIME: u16 = 0;
/// 1 January 2000.
const DOS_DATE: u16 = (20 << 9) | (1 << 5) | 1;
/// A data descriptor follows, names are UTF-8.
const FLAGS: u16 = 0x0008 | 0x0800;

impl Writer {
    /// `name` made safe (no folders) and unique in this archive.
    pub fn unique_name(&mut self, name: &str) -> String {
        let clean: String = name
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = clean.trim_start_matches('.').to_owned();
        let clean = if clean.is_empty() {
            "photo".to_owned()
        } else {
            clean
        };
        let (stem, ext) = match clean.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
            _ => (clean.clone(), String::new()),
        };
        let mut candidate = clean;
        let mut n = 2;
        while !self.names.insert(candidate.to_lowercase()) {
            candidate = format!("{stem} ({n}){ext}");
            n += 1;
        }
        candidate
    }

    /// The local header of the next entry, `name`.
    pub fn begin(&mut self, name: &str) -> (Bytes, Entry) {
        let mut out = BytesMut::with_capacity(30 + name.len());
        out.put_u32_le(0x0403_4b50);
        out.put_u16_le(45);
        out.put_u16_le(FLAGS);
        out.put_u16_le(0); // stored
        out.put_u16_le(DOS_TIME);
        out.put_u16_le(DOS_DATE);
        out.put_u32_le(0); // crc, sizes: in the data descriptor
        out.put_u32_le(0);
        out.put_u32_le(0);
        out.put_u16_le(u16::try_from(name.len()).unwrap_or(u16::MAX));
        out.put_u16_le(0);
        out.put_slice(name.as_bytes());
        let entry = Entry {
            name: name.to_owned(),
            crc: 0,
            size: 0,
            offset: self.offset,
        };
        self.offset += out.len() as u64;
        (out.freeze(), entry)
    }

    /// The data descriptor after an entry's `size` bytes with CRC-32 `crc`.
    pub fn end(&mut self, mut entry: Entry, crc: u32, size: u64) -> Bytes {
        entry.crc = crc;
        entry.size = size;
        self.offset += size;
        let mut out = BytesMut::with_capacity(24);
        out.put_u32_le(0x0807_4b50);
        out.put_u32_le(crc);
        // ZIP64 sizes (8 bytes each), as the version 4.5 local header allows.
        out.put_u64_le(size);
        out.put_u64_le(size);
        self.offset += out.len() as u64;
        self.entries.push(entry);
        out.freeze()
    }

    /// The central directory and the end records.
    pub fn finish(self) -> Bytes {
        let mut out = BytesMut::new();
        let start = self.offset;
        for e in &self.entries {
            let mut extra = BytesMut::new();
            extra.put_u16_le(0x0001);
            extra.put_u16_le(24);
            extra.put_u64_le(e.size);
            extra.put_u64_le(e.size);
            extra.put_u64_le(e.offset);
            out.put_u32_le(0x0201_4b50);
            out.put_u16_le(45);
            out.put_u16_le(45);
            out.put_u16_le(FLAGS);
            out.put_u16_le(0);
            out.put_u16_le(DOS_TIME);
            out.put_u16_le(DOS_DATE);
            out.put_u32_le(e.crc);
            out.put_u32_le(u32::MAX);
            out.put_u32_le(u32::MAX);
            out.put_u16_le(u16::try_from(e.name.len()).unwrap_or(u16::MAX));
            out.put_u16_le(u16::try_from(extra.len()).unwrap_or(0));
            out.put_u16_le(0); // comment
            out.put_u16_le(0); // disk
            out.put_u16_le(0); // internal attributes
            out.put_u32_le(0); // external attributes
            out.put_u32_le(u32::MAX); // offset: in the extra field
            out.put_slice(e.name.as_bytes());
            out.put_slice(&extra);
        }
        let size = out.len() as u64;
        let count = self.entries.len() as u64;
        let zip64_end = start + size;
        // ZIP64 end of central directory record and its locator.
        out.put_u32_le(0x0606_4b50);
        out.put_u64_le(44);
        out.put_u16_le(45);
        out.put_u16_le(45);
        out.put_u32_le(0);
        out.put_u32_le(0);
        out.put_u64_le(count);
        out.put_u64_le(count);
        out.put_u64_le(size);
        out.put_u64_le(start);
        out.put_u32_le(0x0706_4b50);
        out.put_u32_le(0);
        out.put_u64_le(zip64_end);
        out.put_u32_le(1);
        // The classic end record, pointing on to the ZIP64 one.
        out.put_u32_le(0x0605_4b50);
        out.put_u16_le(0);
        out.put_u16_le(0);
        out.put_u16_le(u16::try_from(count).unwrap_or(u16::MAX));
        out.put_u16_le(u16::try_from(count).unwrap_or(u16::MAX));
        out.put_u32_le(u32::try_from(size).unwrap_or(u32::MAX));
        out.put_u32_le(u32::MAX);
        out.put_u16_le(0);
        out.freeze()
    }
}
