//! The one page design every billing document shares: the seller at the top left, the
//! document's title, number and dates at the top right, who it is for, a table, totals,
//! and the notes at the end.

use super::Seller;
use super::labels::Words;
use super::layout::{Align, LEFT, Layout, RIGHT, wrap};
use crate::invoice::store::{LineRow, Snapshot};
use crate::money::{TaxPart, canonical};

const LEFT_ALIGNED: (bool, Align) = (false, Align::Left);
const RIGHT_ALIGNED: (bool, Align) = (false, Align::Right);
const BOLD: (bool, Align) = (true, Align::Left);
const BOLD_RIGHT: (bool, Align) = (true, Align::Right);
/// The most a logo takes at the top left: (width, height) in points.
const LOGO: (f32, f32) = (160.0, 48.0);

/// What one document prints.
pub struct Sheet<'a> {
    pub title: &'a str,
    pub number: &'a str,
    /// Label and value pairs under the number.
    pub facts: Vec<(&'a str, String)>,
    pub customer: &'a Snapshot,
    pub words: &'a Words,
}

/// The header: seller, title, facts and the customer.
pub fn header(layout: &mut Layout, seller: &Seller, sheet: &Sheet<'_>) {
    let l = sheet.words.labels;
    let top = layout.y;
    if let Some(logo) = &seller.logo {
        let height = layout.image(logo.clone(), LOGO);
        if height > 0.0 {
            layout.down(height + 4.0);
        }
    }
    let seller = &seller.settings;
    layout.text(LEFT, &seller.legal_name, 14.0, BOLD);
    layout.down(16.0);
    for line in seller.address.lines().filter(|l| !l.trim().is_empty()) {
        layout.text(LEFT, line.trim(), 9.0, LEFT_ALIGNED);
        layout.down(12.0);
    }
    if !seller.vat_id.is_empty() {
        layout.text(
            LEFT,
            &format!("{} {}", l.vat_id, seller.vat_id),
            9.0,
            LEFT_ALIGNED,
        );
        layout.down(12.0);
    }
    let left_bottom = layout.y;
    layout.y = top;
    layout.text(RIGHT, sheet.title, 18.0, BOLD_RIGHT);
    layout.down(20.0);
    if !sheet.number.is_empty() {
        layout.text(
            RIGHT,
            &format!("{} {}", l.number, sheet.number),
            10.0,
            RIGHT_ALIGNED,
        );
        layout.down(13.0);
    }
    for (label, value) in &sheet.facts {
        layout.text(RIGHT, &format!("{label}: {value}"), 10.0, RIGHT_ALIGNED);
        layout.down(13.0);
    }
    layout.y = layout.y.max(left_bottom) + 18.0;
    let c = sheet.customer;
    layout.text(LEFT, l.bill_to, 9.0, BOLD);
    layout.down(13.0);
    for line in [&c.customer_name, &c.customer_company]
        .into_iter()
        .chain(std::iter::once(&c.customer_address))
        .flat_map(|t| t.lines().map(str::to_owned).collect::<Vec<_>>())
        .chain(std::iter::once(c.customer_email.clone()))
        .filter(|t| !t.trim().is_empty())
    {
        layout.text(LEFT, line.trim(), 10.0, LEFT_ALIGNED);
        layout.down(13.0);
    }
    layout.down(14.0);
}

/// The table of lines: description (wrapped), quantity, unit price, tax rate, net.
pub fn lines(layout: &mut Layout, words: &Words, lines: &[LineRow]) {
    let l = words.labels;
    let columns = [330.0, 410.0, 455.0, RIGHT];
    layout.room(40.0);
    layout.text(LEFT, l.description, 9.0, BOLD);
    for (x, label) in columns.iter().zip([l.quantity, l.unit_price, l.tax, l.net]) {
        layout.text(*x, label, 9.0, BOLD_RIGHT);
    }
    layout.rule();
    layout.down(16.0);
    for line in lines {
        let mut description = line.description.clone();
        if line.discount_percent != "0" && !line.discount_percent.is_empty() {
            let discount = words.decimal(&line.discount_percent);
            description.push_str(&format!(" (−{discount} % {})", l.discount));
        }
        let wrapped = wrap(&description, 10.0, 250.0);
        layout.room(13.0 * wrapped.len() as f32);
        let values = [
            words.decimal(&line.quantity),
            words.amount(line.unit_price_minor),
            format!("{} %", words.decimal(&line.tax_rate)),
            words.amount(line.net),
        ];
        for (x, value) in columns.iter().zip(&values) {
            layout.text(*x, value, 10.0, RIGHT_ALIGNED);
        }
        for (n, part) in wrapped.iter().enumerate() {
            if n > 0 {
                layout.down(13.0);
            }
            layout.text(LEFT, part, 10.0, LEFT_ALIGNED);
        }
        layout.down(15.0);
    }
    layout.rule();
    layout.down(16.0);
}

/// A totals row: the label at the left of the totals column, the amount right.
pub fn total(layout: &mut Layout, label: &str, amount: &str, bold: bool) {
    layout.room(14.0);
    let style = if bold { BOLD } else { LEFT_ALIGNED };
    let right = if bold { BOLD_RIGHT } else { RIGHT_ALIGNED };
    layout.text(340.0, label, 10.0, style);
    layout.text(RIGHT, amount, 10.0, right);
    layout.down(14.0);
}

/// Subtotal, the tax of each rate, and the total.
pub fn totals(
    layout: &mut Layout,
    words: &Words,
    (subtotal, tax, total_minor): (i64, &[TaxPart], i64),
) {
    let l = words.labels;
    total(layout, l.subtotal, &words.amount(subtotal), false);
    for part in tax {
        let rate = words.decimal(&canonical(part.tax_rate));
        let label = format!(
            "{} {rate} % {} {}",
            l.tax,
            l.tax_on,
            words.amount(part.taxable)
        );
        total(layout, &label, &words.amount(part.tax), false);
    }
    total(layout, l.total, &words.amount(total_minor), true);
}

/// A labelled paragraph (notes, terms, payment instructions); nothing when empty.
pub fn paragraph(layout: &mut Layout, label: &str, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    layout.down(8.0);
    layout.room(26.0);
    layout.text(LEFT, label, 9.0, BOLD);
    layout.down(13.0);
    for line in wrap(text, 10.0, RIGHT - LEFT) {
        layout.room(13.0);
        layout.text(LEFT, &line, 10.0, LEFT_ALIGNED);
        layout.down(13.0);
    }
}
