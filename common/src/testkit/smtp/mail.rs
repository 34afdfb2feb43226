//! A captured message and what tests read of it: headers, decoded parts.

/// One message the server answered with 250 at the end of DATA, to a client that was
/// still there to read it (a client that hung up during a slow reply gets no 250).
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The reverse path from `MAIL FROM`, without the angle brackets.
    pub mail_from: String,
    /// The forward paths from every `RCPT TO`, in order, without the angle brackets.
    pub rcpt_to: Vec<String>,
    /// The raw DATA: dot-unstuffed, CRLF line endings, final `"\r\n.\r\n"` removed.
    pub data: String,
    /// When its 250 was written back to the client.
    pub accepted_at: std::time::Instant,
}

impl ReceivedMail {
    /// The first header called `name` (case-insensitive), with folded continuation
    /// lines joined by a single space and surrounding whitespace trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_message(&self.data);
        let mut found: Option<String> = None;
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(value) = found.as_mut() {
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    value.push_str(line.trim());
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((field, value)) = line.split_once(':')
                && field.trim_end().eq_ignore_ascii_case(name)
            {
                found = Some(value.trim().to_owned());
            }
        }
        found
    }

    /// Everything after the first empty line of the message.
    pub fn body(&self) -> &str {
        split_message(&self.data).1
    }

    /// The decoded `text/plain` and `text/html` parts (empty when absent).
    pub fn parts(&self) -> (String, String) {
        let Ok(parsed) = mailparse::parse_mail(self.data.as_bytes()) else {
            return (String::new(), String::new());
        };
        let mut text = String::new();
        let mut html = String::new();
        for part in parsed.parts() {
            match part.ctype.mimetype.as_str() {
                "text/plain" => text = part.get_body().unwrap_or_default(),
                "text/html" => html = part.get_body().unwrap_or_default(),
                _ => {}
            }
        }
        (text, html)
    }

    /// A header decoded (RFC 2047 words included), or empty.
    pub fn decoded_header(&self, name: &str) -> String {
        use mailparse::MailHeaderMap;
        mailparse::parse_mail(self.data.as_bytes())
            .map(|parsed| parsed.headers.get_first_value(name).unwrap_or_default())
            .unwrap_or_default()
    }
}

/// Splits a message at its first empty line into the header block and the body.
pub(super) fn split_message(data: &str) -> (&str, &str) {
    let mut offset = 0;
    for line in data.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']).is_empty() {
            return (&data[..offset], &data[offset + line.len()..]);
        }
        offset += line.len();
    }
    (data, "")
}
