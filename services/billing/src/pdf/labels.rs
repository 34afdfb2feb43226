//! The words on a PDF, in English and German (the customer's locale; anything else is
//! English), and numbers written the locale's way.

use crate::money::{Currency, format_amount, format_date};

/// Every label a document prints.
pub struct Labels {
    pub invoice: &'static str,
    pub draft_invoice: &'static str,
    pub credit_note: &'static str,
    pub quote: &'static str,
    pub order: &'static str,
    pub statement: &'static str,
    pub number: &'static str,
    pub issue_date: &'static str,
    pub due_date: &'static str,
    pub valid_until: &'static str,
    pub credits_invoice: &'static str,
    pub period: &'static str,
    pub bill_to: &'static str,
    pub vat_id: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit_price: &'static str,
    pub tax: &'static str,
    pub net: &'static str,
    pub subtotal: &'static str,
    pub tax_on: &'static str,
    pub total: &'static str,
    pub credited: &'static str,
    pub paid: &'static str,
    pub amount_due: &'static str,
    pub reason: &'static str,
    pub notes: &'static str,
    pub terms: &'static str,
    pub payment: &'static str,
    pub status: &'static str,
    pub date: &'static str,
    pub entry: &'static str,
    pub reference: &'static str,
    pub debit: &'static str,
    pub credit: &'static str,
    pub balance: &'static str,
    pub opening_balance: &'static str,
    pub closing_balance: &'static str,
    pub discount: &'static str,
    pub refund: &'static str,
    pub adjustment: &'static str,
}

const EN: Labels = Labels {
    invoice: "Invoice",
    draft_invoice: "Draft invoice",
    credit_note: "Credit note",
    quote: "Quote",
    order: "Order confirmation",
    statement: "Statement of account",
    number: "Number",
    issue_date: "Date",
    due_date: "Due date",
    valid_until: "Valid until",
    credits_invoice: "Credits invoice",
    period: "Period",
    bill_to: "Bill to",
    vat_id: "VAT ID",
    description: "Description",
    quantity: "Qty",
    unit_price: "Unit price",
    tax: "Tax",
    net: "Net",
    subtotal: "Subtotal",
    tax_on: "on",
    total: "Total",
    credited: "Credited",
    paid: "Paid",
    amount_due: "Amount due",
    reason: "Reason",
    notes: "Notes",
    terms: "Terms",
    payment: "Payment",
    status: "Status",
    date: "Date",
    entry: "Entry",
    reference: "Reference",
    debit: "Debit",
    credit: "Credit",
    balance: "Balance",
    opening_balance: "Opening balance",
    closing_balance: "Closing balance",
    discount: "discount",
    refund: "Refund",
    adjustment: "Adjustment",
};

const DE: Labels = Labels {
    invoice: "Rechnung",
    draft_invoice: "Rechnungsentwurf",
    credit_note: "Gutschrift",
    quote: "Angebot",
    order: "Auftragsbestätigung",
    statement: "Kontoauszug",
    number: "Nummer",
    issue_date: "Datum",
    due_date: "Fällig am",
    valid_until: "Gültig bis",
    credits_invoice: "Zur Rechnung",
    period: "Zeitraum",
    bill_to: "Rechnung an",
    vat_id: "USt-IdNr.",
    description: "Beschreibung",
    quantity: "Menge",
    unit_price: "Einzelpreis",
    tax: "USt.",
    net: "Netto",
    subtotal: "Zwischensumme",
    tax_on: "auf",
    total: "Gesamt",
    credited: "Gutgeschrieben",
    paid: "Bezahlt",
    amount_due: "Offener Betrag",
    reason: "Grund",
    notes: "Hinweise",
    terms: "Bedingungen",
    payment: "Zahlung",
    status: "Status",
    date: "Datum",
    entry: "Buchung",
    reference: "Beleg",
    debit: "Soll",
    credit: "Haben",
    balance: "Saldo",
    opening_balance: "Anfangssaldo",
    closing_balance: "Endsaldo",
    discount: "Rabatt",
    refund: "Erstattung",
    adjustment: "Korrektur",
};

/// How a document reads in one locale.
pub struct Words {
    pub labels: &'static Labels,
    locale: String,
    currency: Option<Currency>,
}

impl Words {
    pub fn new(locale: &str, currency: &str) -> Words {
        let german = locale == "de" || locale.starts_with("de-");
        Words {
            labels: if german { &DE } else { &EN },
            locale: if german { "de".into() } else { "en".into() },
            currency: Currency::parse(currency),
        }
    }

    pub fn amount(&self, minor: i64) -> String {
        self.currency
            .map(|c| format_amount(minor, c, &self.locale))
            .unwrap_or_else(|| minor.to_string())
    }

    pub fn date(&self, day: chrono::NaiveDate) -> String {
        format_date(day, &self.locale)
    }

    /// A decimal as the locale writes it: `2.5` is `2,5` in German.
    pub fn decimal(&self, text: &str) -> String {
        if self.locale == "de" {
            text.replace('.', ",")
        } else {
            text.to_owned()
        }
    }
}
