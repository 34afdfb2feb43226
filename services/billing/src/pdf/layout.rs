//! A fixed A4 layout over krilla: text in the committed Liberation Sans (embedded and
//! subset by krilla, so `pdftotext` reads it back), measured with the font's own widths
//! for right-aligned amounts and wrapped descriptions, and new pages as the text runs
//! down. Nothing in it depends on the time or on chance: the same document renders to
//! the same bytes.

use std::sync::LazyLock;

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

static REGULAR: &[u8] = include_bytes!("../../fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../fonts/LiberationSans-Bold.ttf");

/// The two faces, parsed once.
struct Faces {
    regular: Font,
    bold: Font,
    regular_widths: rustybuzz::Face<'static>,
    bold_widths: rustybuzz::Face<'static>,
}

static FACES: LazyLock<Faces> = LazyLock::new(|| Faces {
    regular: Font::new(REGULAR.into(), 0).expect("the committed regular face parses"),
    bold: Font::new(BOLD.into(), 0).expect("the committed bold face parses"),
    regular_widths: rustybuzz::Face::from_slice(REGULAR, 0).expect("regular face"),
    bold_widths: rustybuzz::Face::from_slice(BOLD, 0).expect("bold face"),
});

pub const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
pub const LEFT: f32 = 50.0;
pub const RIGHT: f32 = WIDTH - 50.0;
const TOP: f32 = 60.0;
const BOTTOM: f32 = HEIGHT - 60.0;

/// Where a piece of text hangs from its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One piece of text placed on a page.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    text: String,
}

/// One page's text and rules (their top and thickness).
#[derive(Default)]
struct Sheet {
    placed: Vec<Placed>,
    rules: Vec<(f32, f32)>,
    /// Images with their top left corner and size.
    images: Vec<(Image, Point, Size)>,
}

/// A document being laid out: pages of placed text and rules, drawn at the end.
pub struct Layout {
    pages: Vec<Sheet>,
    /// The baseline of the next line.
    pub y: f32,
}

/// The width of `text` at `size` points.
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    let face = if bold {
        &FACES.bold_widths
    } else {
        &FACES.regular_widths
    };
    let units: u32 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(0, u32::from)
        })
        .sum();
    units as f32 * size / f32::from(face.units_per_em() as u16)
}

/// `text` broken into lines no wider than `max` at `size` (a word longer than a line
/// is cut where it must be).
pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, false) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width(&piece, size, false) > max {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

impl Layout {
    pub fn new() -> Layout {
        Layout {
            pages: vec![Sheet::default()],
            y: TOP,
        }
    }

    /// Starts a new page when fewer than `needed` points are left on this one.
    pub fn room(&mut self, needed: f32) {
        if self.y + needed > BOTTOM {
            self.pages.push(Sheet::default());
            self.y = TOP;
        }
    }

    /// Places `text` on the current line at `x`.
    pub fn text(&mut self, x: f32, text: &str, size: f32, (bold, align): (bool, Align)) {
        let x = match align {
            Align::Left => x,
            Align::Right => x - width(text, size, bold),
        };
        let page = self.pages.last_mut().expect("a page");
        page.placed.push(Placed {
            x,
            y: self.y,
            size,
            bold,
            text: text.to_owned(),
        });
    }

    /// Moves down by `by` points (a new page when the page is full).
    pub fn down(&mut self, by: f32) {
        self.y += by;
        self.room(0.0);
    }

    /// Places an image (PNG, JPEG or WebP, by its first bytes) with its top at the
    /// current line's, at most `max` (width, height) points with its proportions kept;
    /// answers the height it takes (0 when the bytes are no such image).
    pub fn image(&mut self, bytes: std::sync::Arc<Vec<u8>>, max: (f32, f32)) -> f32 {
        let data = krilla::Data::from(bytes.clone());
        let image = match bytes.as_slice() {
            [0x89, b'P', b'N', b'G', ..] => Image::from_png(data, true),
            [0xFF, 0xD8, ..] => Image::from_jpeg(data, true),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Image::from_webp(data, true),
            _ => return 0.0,
        };
        let Ok(image) = image else { return 0.0 };
        let (w, h) = image.size();
        let scale = (max.0 / w.max(1) as f32).min(max.1 / h.max(1) as f32);
        let Some(size) = Size::from_wh(w as f32 * scale, h as f32 * scale) else {
            return 0.0;
        };
        // A line's baseline sits about its cap height below its top.
        let top = Point::from_xy(LEFT, self.y - 11.0);
        let page = self.pages.last_mut().expect("a page");
        page.images.push((image, top, size));
        size.height()
    }

    /// A thin rule across the page under the current line.
    pub fn rule(&mut self) {
        let y = self.y + 4.0;
        self.pages.last_mut().expect("a page").rules.push((y, 0.5));
    }

    /// Draws every page; answers the PDF's bytes.
    pub fn finish(self, title: &str) -> Result<Vec<u8>, String> {
        let mut document = Document::new();
        document.set_metadata(krilla::metadata::Metadata::new().title(title.to_owned()));
        let count = self.pages.len();
        for (n, sheet) in self.pages.into_iter().enumerate() {
            let Sheet {
                placed,
                rules,
                images,
            } = sheet;
            let settings = PageSettings::from_wh(WIDTH, HEIGHT).ok_or("page size")?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            for (image, top, size) in images {
                surface.push_transform(&Transform::from_translate(top.x, top.y));
                surface.draw_image(image, size);
                surface.pop();
            }
            for piece in placed {
                let font = if piece.bold {
                    FACES.bold.clone()
                } else {
                    FACES.regular.clone()
                };
                surface.draw_text(
                    Point::from_xy(piece.x, piece.y),
                    font,
                    piece.size,
                    &piece.text,
                    false,
                    TextDirection::Auto,
                );
            }
            for (y, thickness) in rules {
                let mut path = PathBuilder::new();
                if let Some(rect) = Rect::from_xywh(LEFT, y, RIGHT - LEFT, thickness) {
                    path.push_rect(rect);
                }
                if let Some(path) = path.finish() {
                    surface.draw_path(&path);
                }
            }
            if count > 1 {
                let label = format!("{} / {count}", n + 1);
                let x = RIGHT - width(&label, 8.0, false);
                surface.draw_text(
                    Point::from_xy(x, HEIGHT - 30.0),
                    FACES.regular.clone(),
                    8.0,
                    &label,
                    false,
                    TextDirection::Auto,
                );
            }
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|e| format!("{e:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_text_renders_to_the_same_bytes_twice() {
        let make = || {
            let mut layout = Layout::new();
            layout.text(LEFT, "Invoice INV-2026-0001", 12.0, (true, Align::Left));
            layout.down(14.0);
            layout.text(RIGHT, "1.234,56 EUR", 10.0, (false, Align::Right));
            layout.rule();
            layout.finish("Invoice").unwrap()
        };
        let first = make();
        assert!(first.starts_with(b"%PDF-"));
        assert_eq!(first, make());
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let lines = wrap(
            "a fairly long description of the work that was done",
            10.0,
            80.0,
        );
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, 10.0, false) <= 80.0));
        assert_eq!(
            lines.join(" "),
            "a fairly long description of the work that was done"
        );
    }
}
