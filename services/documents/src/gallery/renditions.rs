//! A photo's renditions: `thumb` (longest side at most 400 px) and `preview` (at most
//! 1600 px), made once at upload on a bounded pool of blocking threads. Each is turned
//! upright by the EXIF orientation and encoded afresh as JPEG, so no metadata of the
//! original (EXIF, GPS, comments) survives. An image over the pixel limit is refused
//! from its header, before a pixel is decoded; the decoder's allocations are capped too.

use std::io::Cursor;
use std::sync::Arc;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use tokio::sync::Semaphore;

/// The longest side of each rendition.
pub const THUMB_PX: u32 = 400;
pub const PREVIEW_PX: u32 = 1600;
/// The renditions' JPEG quality.
const QUALITY: u8 = 82;

/// Why a photo has no renditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RenditionError {
    #[error("has more pixels than allowed")]
    TooManyPixels,
    #[error("could not be read as an image")]
    Undecodable,
}

/// A photo's upright size and its two renditions (JPEG bytes).
#[derive(Debug, Clone)]
pub struct Renditions {
    pub width: u32,
    pub height: u32,
    pub thumb: Vec<u8>,
    pub preview: Vec<u8>,
}

/// Makes renditions on at most `permits` blocking threads at once: a burst of uploads
/// queues instead of taking every core and all the memory.
#[derive(Clone)]
pub struct Renderer {
    permits: Arc<Semaphore>,
    max_pixels: u64,
}

impl Renderer {
    pub fn new(threads: usize, max_pixels: u64) -> Renderer {
        Renderer {
            permits: Arc::new(Semaphore::new(threads.max(1))),
            max_pixels,
        }
    }

    /// As many threads as the machine has cores.
    pub fn per_core(max_pixels: u64) -> Renderer {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Renderer::new(cores, max_pixels)
    }

    pub async fn render(&self, bytes: Vec<u8>) -> Result<Renditions, RenditionError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| RenditionError::Undecodable)?;
        let max_pixels = self.max_pixels;
        tokio::task::spawn_blocking(move || render(&bytes, max_pixels))
            .await
            .map_err(|_| RenditionError::Undecodable)?
    }
}

/// The renditions of `bytes` (a JPEG, PNG or WebP of at most `max_pixels`).
pub fn render(bytes: &[u8], max_pixels: u64) -> Result<Renditions, RenditionError> {
    let undecodable = |_| RenditionError::Undecodable;
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| RenditionError::Undecodable)?;
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(RenditionError::TooManyPixels);
    }
    let mut limits = Limits::default();
    // Room for the decoded pixels at 16 bits per channel, RGBA, and some slack.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    decoder.set_limits(limits).map_err(undecodable)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    image.apply_orientation(orientation);
    let preview = fit(&image, PREVIEW_PX);
    let thumb = fit(&preview, THUMB_PX);
    Ok(Renditions {
        width: image.width(),
        height: image.height(),
        thumb: jpeg(&thumb)?,
        preview: jpeg(&preview)?,
    })
}

/// `image` scaled down (never up) so its longest side is at most `px`.
fn fit(image: &DynamicImage, px: u32) -> DynamicImage {
    if image.width() <= px && image.height() <= px {
        return image.clone();
    }
    image.resize(px, px, FilterType::Triangle)
}

fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, RenditionError> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    image
        .to_rgb8()
        .write_with_encoder(encoder)
        .map_err(|_| RenditionError::Undecodable)?;
    Ok(out)
}
