//! A file's content type, decided from its first bytes against what the place it goes
//! to accepts; the client's claim is never asked. Text is `text/csv` when the name ends
//! in `.csv`, else `text/plain`; text that looks like HTML or SVG is refused.

use super::StorageError;

/// What a place accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// Project documents (and other services' attachments).
    Documents,
    /// Gallery items and logos: JPEG, PNG and WebP.
    Images,
}

const IMAGES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

const DOCUMENTS: [&str; 13] = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "text/plain",
];

/// The content type of a file starting with `head`, when `allowed` takes it.
pub fn sniff(head: &[u8], file_name: &str, allowed: Allowed) -> Result<&'static str, StorageError> {
    if head.is_empty() {
        return Err(StorageError::Empty);
    }
    let found = match infer::get(head) {
        Some(kind) => known(kind.mime_type()),
        None => text(head, file_name),
    };
    let accepted: &[&str] = match allowed {
        Allowed::Documents => &DOCUMENTS,
        Allowed::Images => &IMAGES,
    };
    match found {
        Some(t) if accepted.contains(&t) || (t == "text/csv" && allowed == Allowed::Documents) => {
            Ok(t)
        }
        _ => Err(StorageError::Unsupported),
    }
}

/// The `'static` name of a type `infer` found, for the types Atrium knows.
fn known(mime: &str) -> Option<&'static str> {
    DOCUMENTS.iter().copied().find(|t| *t == mime)
}

/// `text/plain` or `text/csv` for UTF-8 text (the head may end inside a character),
/// nothing for anything else or for markup a browser would run.
fn text(head: &[u8], file_name: &str) -> Option<&'static str> {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) if err.error_len().is_none() => {
            std::str::from_utf8(&head[..err.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    if valid.contains('\0') {
        return None;
    }
    let lower = valid.to_ascii_lowercase();
    let markup = lower.trim_start().starts_with('<')
        || ["<html", "<!doctype", "<svg", "<script", "<?xml"]
            .iter()
            .any(|tag| lower.contains(tag));
    if markup {
        return None;
    }
    if file_name.to_ascii_lowercase().ends_with(".csv") {
        Some("text/csv")
    } else {
        Some("text/plain")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn types_come_from_the_bytes_never_the_name() {
        assert_eq!(
            sniff(b"%PDF-1.7\n", "x.png", Allowed::Documents).unwrap(),
            "application/pdf"
        );
        assert_eq!(
            sniff(PNG, "report.pdf", Allowed::Images).unwrap(),
            "image/png"
        );
        assert_eq!(
            sniff(b"a,b\n1,2\n", "t.CSV", Allowed::Documents).unwrap(),
            "text/csv"
        );
        assert_eq!(
            sniff("Grüße\n".as_bytes(), "t.txt", Allowed::Documents).unwrap(),
            "text/plain"
        );
        // The head may end inside a character.
        assert_eq!(
            sniff(&"ü".as_bytes()[..1], "t.txt", Allowed::Documents).unwrap(),
            "text/plain"
        );
    }

    #[test]
    fn markup_binaries_and_the_wrong_place_are_refused() {
        for (bytes, name) in [
            (&b"<!DOCTYPE html><p>hi"[..], "a.txt"),
            (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "a.csv"),
            (b"hello <script>alert(1)</script>", "a.txt"),
            (b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff", "a.pdf"),
            (b"\x7fELF\x02\x01\x01\0", "a.txt"),
            (b"\xff\xfe\0\0garbage", "a.txt"),
        ] {
            assert!(
                matches!(
                    sniff(bytes, name, Allowed::Documents),
                    Err(StorageError::Unsupported)
                ),
                "{name}"
            );
        }
        assert!(matches!(
            sniff(b"%PDF-1.7", "a.pdf", Allowed::Images),
            Err(StorageError::Unsupported)
        ));
        assert!(matches!(
            sniff(b"", "a.txt", Allowed::Documents),
            Err(StorageError::Empty)
        ));
    }
}
