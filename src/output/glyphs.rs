//! The text of share cards, drawn from glyphs drawn once.
//!
//! resvg fills each line of a card's text as one path. That path holds
//! every glyph's outline, and tiny-skia scans it at four times the
//! resolution in both directions: three quarters of the drawing time of a
//! card, about 1.7 ms of its 2 ms, went there. But the cards of a site are
//! written in a few hundred glyphs at three or four sizes. So each glyph is
//! drawn once, at its size, colour and position within a quarter pixel,
//! into a small pixmap of its own, and every later use of it only blends
//! that pixmap onto the card: the text of a card then costs about 0.2 ms.
//! Glyph edges may move by up to an eighth of a pixel against resvg's own
//! drawing; nothing else changes.
//!
//! Only plain text takes this way: outline glyphs of a font without
//! variation axes (usvg asks for a weight even of a static font; such a
//! font ignores it, and so does this drawing), filled with one colour, without stroke, decoration or
//! crisp edges, at the top level of a card whose root is not transformed.
//! Anything else is drawn by resvg as before.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use resvg::tiny_skia::{self, PixmapMut};
use resvg::usvg;
use skrifa::MetadataProvider as _;

/// Positions within a pixel a glyph is drawn at, on each axis.
const STEPS: f32 = 4.0;

/// Glyphs drawn so far, for the fonts of one [`crate::render::FontSet`]
/// (a font's id means something only in its own font database).
#[derive(Default)]
pub struct Glyphs {
    drawn: Mutex<HashMap<Key, Option<Arc<Glyph>>>>,
}

impl Glyphs {
    /// How many glyphs were drawn (for tests).
    #[cfg(test)]
    pub fn count(&self) -> usize {
        self.drawn
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// What a drawn glyph depends on.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    font: usvg::fontdb::ID,
    glyph: u32,
    /// The scale from font units to pixels, per axis, as bits.
    scale: [u32; 2],
    /// Straight RGBA.
    colour: [u8; 4],
    even_odd: bool,
    /// The position within the pixel, in steps of `1 / STEPS`.
    offset: [u8; 2],
}

/// A glyph drawn in premultiplied RGBA, with where its pixmap's corner
/// lies from the pixel it is placed at.
struct Glyph {
    pixmap: tiny_skia::Pixmap,
    left: i32,
    top: i32,
}

/// A glyph to blend, at its card position.
struct Placed {
    glyph: Arc<Glyph>,
    x: i32,
    y: i32,
}

/// Draws `tree` onto `pixmap` (which must be clear): plain text from
/// `glyphs`, the rest with resvg.
pub fn render(tree: &usvg::Tree, glyphs: &Glyphs, pixmap: &mut PixmapMut) {
    let root = tree.root();
    if !root.transform().is_identity() || root.should_isolate() {
        resvg::render(tree, tiny_skia::Transform::identity(), pixmap);
        return;
    }
    for node in root.children() {
        if let usvg::Node::Text(text) = node
            && let Some(placed) = place(text, tree.fontdb(), glyphs)
        {
            for glyph in &placed {
                blend(pixmap, glyph);
            }
            continue;
        }
        // resvg's `render_node` draws a node at its layer's corner; moved
        // back by that corner, it lands where the whole tree would put it.
        if let Some(corner) = node.abs_layer_bounding_box() {
            let at = tiny_skia::Transform::from_translate(corner.x(), corner.y());
            resvg::render_node(node, at, pixmap);
        }
    }
}

/// The glyphs of `text` with their positions, drawing those not drawn
/// yet; `None` when the text is not plain (see the module's header).
fn place(
    text: &usvg::Text,
    fonts: &usvg::fontdb::Database,
    glyphs: &Glyphs,
) -> Option<Vec<Placed>> {
    let plain = text.rendering_mode() != usvg::TextRendering::OptimizeSpeed
        && text
            .flattened()
            .children()
            .iter()
            .all(|node| matches!(node, usvg::Node::Path(_)));
    if !plain {
        return None;
    }
    let mut drawn = glyphs.drawn.lock().unwrap_or_else(PoisonError::into_inner);
    let mut placed = Vec::new();
    for span in text.layouted() {
        let decorated =
            span.underline.is_some() || span.overline.is_some() || span.line_through.is_some();
        if decorated || span.stroke.is_some() || !span.visible {
            return None;
        }
        let Some(fill) = &span.fill else { continue };
        let usvg::Paint::Color(colour) = fill.paint() else {
            return None;
        };
        let colour = [
            colour.red,
            colour.green,
            colour.blue,
            fill.opacity().to_u8(),
        ];
        let even_odd = fill.rule() == usvg::FillRule::EvenOdd;
        for glyph in &span.positioned_glyphs {
            let at = text.abs_transform().pre_concat(glyph.outline_transform());
            if at.kx != 0.0 || at.ky != 0.0 {
                return None;
            }
            let (x, y) = (split(at.tx), split(at.ty));
            let key = Key {
                font: glyph.font,
                glyph: glyph.id.0,
                scale: [at.sx.to_bits(), at.sy.to_bits()],
                colour,
                even_odd,
                offset: [x.1, y.1],
            };
            let entry = match drawn.get(&key) {
                Some(entry) => entry.clone(),
                None => {
                    let entry = draw(fonts, &key, at.sx, at.sy)?.map(Arc::new);
                    drawn.insert(key, entry.clone());
                    entry
                }
            };
            if let Some(glyph) = entry {
                let (x, y) = (x.0 + glyph.left, y.0 + glyph.top);
                placed.push(Placed { glyph, x, y });
            }
        }
    }
    Some(placed)
}

/// A coordinate as its whole pixel and its step within the pixel.
fn split(at: f32) -> (i32, u8) {
    let whole = at.floor();
    let step = ((at - whole) * STEPS).round();
    if step >= STEPS {
        (whole as i32 + 1, 0)
    } else {
        (whole as i32, step as u8)
    }
}

/// The glyph of `key` drawn at scale `sx, sy`: `Some(None)` for a glyph
/// without ink (a space), `None` when its font has variation axes or no
/// outline for it (then resvg draws the whole text).
fn draw(fonts: &usvg::fontdb::Database, key: &Key, sx: f32, sy: f32) -> Option<Option<Glyph>> {
    let outline =
        fonts.with_face_data(key.font, |data, index| outline(data, index, key.glyph))??;
    let Some(path) = outline else {
        return Some(None);
    };
    let [dx, dy] = key.offset.map(|step| f32::from(step) / STEPS);
    let scaled = tiny_skia::Transform::from_row(sx, 0.0, 0.0, sy, dx, dy);
    let Some(bounds) = path.clone().transform(scaled).map(|p| p.bounds()) else {
        return Some(None);
    };
    // A pixel of margin on each side for the edges' shading.
    let (left, top) = (
        bounds.left().floor() as i32 - 1,
        bounds.top().floor() as i32 - 1,
    );
    let width = (bounds.right().ceil() as i32 + 1 - left).max(1) as u32;
    let height = (bounds.bottom().ceil() as i32 + 1 - top).max(1) as u32;
    let Some(mut pixmap) = tiny_skia::Pixmap::new(width, height) else {
        return Some(None);
    };
    let [r, g, b, a] = key.colour;
    let mut paint = tiny_skia::Paint::default();
    paint.set_color_rgba8(r, g, b, a);
    paint.anti_alias = true;
    let rule = if key.even_odd {
        tiny_skia::FillRule::EvenOdd
    } else {
        tiny_skia::FillRule::Winding
    };
    let into_pixmap = scaled.post_translate(-left as f32, -top as f32);
    pixmap.fill_path(&path, &paint, rule, into_pixmap, None);
    Some(Some(Glyph { pixmap, left, top }))
}

/// The outline of `glyph` in font units: `Some(None)` when it has no ink,
/// `None` when the font has variation axes or the glyph no outline.
fn outline(data: &[u8], index: u32, glyph: u32) -> Option<Option<tiny_skia::Path>> {
    let font = skrifa::FontRef::from_index(data, index).ok()?;
    if !font.axes().is_empty() {
        return None;
    }
    let outline = font.outline_glyphs().get(skrifa::GlyphId::new(glyph))?;
    let mut pen = Pen(tiny_skia::PathBuilder::new());
    let unscaled = skrifa::outline::DrawSettings::unhinted(
        skrifa::instance::Size::unscaled(),
        skrifa::instance::LocationRef::default(),
    );
    outline.draw(unscaled, &mut pen).ok()?;
    Some(pen.0.finish())
}

/// Collects an outline into a tiny-skia path.
struct Pen(tiny_skia::PathBuilder);

impl skrifa::outline::OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }

    fn close(&mut self) {
        self.0.close();
    }
}

/// Blends a placed glyph over the card (source over, premultiplied),
/// clipped to the card.
fn blend(card: &mut PixmapMut, placed: &Placed) {
    let (card_width, card_height) = (card.width() as i32, card.height() as i32);
    let glyph = &placed.glyph.pixmap;
    let width = glyph.width() as i32;
    let (from, to) = (placed.x.max(0), (placed.x + width).min(card_width));
    if from >= to {
        return;
    }
    let pixels = card.data_mut();
    for (row, source) in glyph.data().chunks_exact(width as usize * 4).enumerate() {
        let y = placed.y + row as i32;
        if !(0..card_height).contains(&y) {
            continue;
        }
        let source = &source[(from - placed.x) as usize * 4..(to - placed.x) as usize * 4];
        let start = (y * card_width + from) as usize * 4;
        let target = &mut pixels[start..start + source.len()];
        for (target, source) in target.chunks_exact_mut(4).zip(source.chunks_exact(4)) {
            over(target, source);
        }
    }
}

/// `source` over `target`, both premultiplied RGBA.
fn over(target: &mut [u8], source: &[u8]) {
    let keep = 255 - u32::from(source[3]);
    match keep {
        255 => return,
        0 => return target.copy_from_slice(source),
        _ => {}
    }
    for (target, source) in target.iter_mut().zip(source) {
        let kept = u32::from(*target) * keep + 128;
        // Rounded division by 255.
        *target = (u32::from(*source) + ((kept + (kept >> 8)) >> 8)).min(255) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hub theme's fonts, unpacked as the writer unpacks them.
    fn fonts() -> Arc<usvg::fontdb::Database> {
        let folder =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/hub/static/fonts");
        let files: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        let fonts = super::super::card::load_fonts(&files);
        assert!(!fonts.is_empty(), "no font in {files:?}");
        Arc::new(fonts)
    }

    fn tree(svg: &str, fonts: &Arc<usvg::fontdb::Database>) -> usvg::Tree {
        let options = usvg::Options {
            fontdb: fonts.clone(),
            ..usvg::Options::default()
        };
        usvg::Tree::from_str(svg, &options).unwrap()
    }

    /// `svg` drawn by resvg alone, and drawn here with `glyphs`.
    fn both(svg: &str, glyphs: &Glyphs) -> (tiny_skia::Pixmap, tiny_skia::Pixmap) {
        let fonts = fonts();
        let tree = tree(svg, &fonts);
        let size = tree.size().to_int_size();
        let mut by_resvg = tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        resvg::render(
            &tree,
            tiny_skia::Transform::identity(),
            &mut by_resvg.as_mut(),
        );
        let mut here = tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        render(&tree, glyphs, &mut here.as_mut());
        (by_resvg, here)
    }

    /// The largest difference of one channel, and how many pixels differ
    /// by more than a rounding (2 of 255).
    fn difference(a: &tiny_skia::Pixmap, b: &tiny_skia::Pixmap) -> (u8, usize) {
        let pixels = a.data().chunks_exact(4).zip(b.data().chunks_exact(4));
        let per_pixel: Vec<u8> = pixels
            .map(|(a, b)| a.iter().zip(b).map(|(a, b)| a.abs_diff(*b)).max().unwrap())
            .collect();
        let differing = per_pixel.iter().filter(|d| **d > 2).count();
        (per_pixel.into_iter().max().unwrap(), differing)
    }

    fn card(text: &str) -> String {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="420" height="140" font-family="Atkinson Hyperlegible Next"><rect width="420" height="140" fill="#f4f6f9"/><rect y="70" width="420" height="70" fill="#13294b"/>{text}<circle cx="400" cy="20" r="12" fill="#2e8b57"/></svg>"##
        )
    }

    #[test]
    fn plain_text_is_drawn_from_glyphs_within_an_eighth_of_a_pixel_of_resvg() {
        let glyphs = Glyphs::default();
        let text = r##"<text x="10.3" y="50" font-size="37" font-weight="700" fill="#13294b">Straßenbahn für Köln</text><text x="12" y="112.6" font-size="23" fill="#ffffff" fill-opacity="0.8" letter-spacing="2">PRESSEMITTEILUNG 17/2026</text>"##;
        let (by_resvg, here) = both(&card(text), &glyphs);
        assert!(glyphs.count() > 20, "{} glyphs", glyphs.count());
        // Edges move by at most an eighth of a pixel on each axis: an
        // edge pixel's shade changes by about a quarter (64 of 255) at
        // most, a little more where tiny-skia's own quarter-pixel sampling
        // rounds the other way. Only edge pixels change.
        let (largest, differing) = difference(&by_resvg, &here);
        assert!(largest <= 80, "{largest}");
        let (_, blank) = both(&card(""), &Glyphs::default());
        let (_, inked) = difference(&blank, &by_resvg);
        assert!(
            differing < inked / 2,
            "{differing} of {inked} inked pixels differ"
        );
        // Everything but the text is resvg's own: the circle drawn after
        // the text, the rectangles before it.
        let corner = |p: &tiny_skia::Pixmap| p.pixel(400, 20).unwrap();
        assert_eq!(corner(&here), corner(&by_resvg));
    }

    #[test]
    fn a_glyph_is_drawn_once_at_each_size_and_position() {
        // The same "n" at two whole-pixel positions: one glyph.
        let twice = r##"<text x="10" y="50" font-size="40" fill="#13294b">n</text><text x="60" y="50" font-size="40" fill="#13294b">n</text>"##;
        let glyphs = Glyphs::default();
        both(&card(twice), &glyphs);
        assert_eq!(glyphs.count(), 1);
        // Half a pixel further, another size, another colour: one more each.
        for other in [
            r##"<text x="60.5" y="50" font-size="40" fill="#13294b">n</text>"##,
            r##"<text x="60" y="50" font-size="41" fill="#13294b">n</text>"##,
            r##"<text x="60" y="50" font-size="40" fill="#ffffff">n</text>"##,
        ] {
            let glyphs = Glyphs::default();
            both(&card(&format!("{twice}{other}")), &glyphs);
            assert_eq!(glyphs.count(), 2, "{other}");
        }
        // A second card in the same glyphs draws none again.
        let line = r##"<text x="10" y="50" font-size="40" fill="#13294b">Kreis Düren</text>"##;
        both(&card(line), &glyphs);
        let once = glyphs.count();
        both(&card(line), &glyphs);
        assert_eq!(glyphs.count(), once);
    }

    #[test]
    fn text_that_is_not_plain_is_drawn_by_resvg_itself() {
        for text in [
            r##"<text x="10" y="50" font-size="37" fill="#fff" stroke="#13294b">Stroke</text>"##,
            r##"<text x="10" y="50" font-size="37" text-decoration="underline">Underline</text>"##,
            r##"<text x="10" y="50" font-size="37" transform="rotate(3)">Turned</text>"##,
            r##"<text x="10" y="50" font-size="37" text-rendering="optimizeSpeed">Crisp</text>"##,
            r##"<g opacity="0.5"><text x="10" y="50" font-size="37">In a group</text></g>"##,
        ] {
            let glyphs = Glyphs::default();
            let (by_resvg, here) = both(&card(text), &glyphs);
            assert_eq!(glyphs.count(), 0, "{text}");
            assert_eq!(difference(&by_resvg, &here), (0, 0), "{text}");
        }
    }
}
