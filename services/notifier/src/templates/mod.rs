//! Renders email templates with MiniJinja in strict mode: an unknown variable is an
//! error, never an empty string. The HTML part is auto-escaped; subject and text are not.
//! Every template may extend its locale's layouts, `base.txt` and `base.html` (the
//! defaults do; an organization's override may).

mod defaults;

pub use defaults::{COMMON_VARIABLES, DEFAULTS, DefaultTemplate, KEY_VARIABLES, layouts};
use minijinja::{Environment, UndefinedBehavior};

pub const LOCALES: &[&str] = &["en", "de"];

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The source of one template, a default or an org's override.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl From<&DefaultTemplate> for TemplateSource {
    fn from(template: &DefaultTemplate) -> TemplateSource {
        TemplateSource {
            subject: template.subject.into(),
            text: template.text.into(),
            html: template.html.into(),
        }
    }
}

pub fn is_known_key(key: &str) -> bool {
    KEY_VARIABLES.iter().any(|(k, _)| *k == key)
}

/// Returns the built-in template of `key` in `locale`.
pub fn default_template(key: &str, locale: &str) -> Option<&'static DefaultTemplate> {
    DEFAULTS.iter().find(|t| t.key == key && t.locale == locale)
}

/// Picks the recipient's locale, else the org's, else `en`; anything but `en`/`de` is refused.
pub fn choose_locale(recipient: &str, org: &str) -> Result<&'static str, (&'static str, String)> {
    for (field, locale) in [("locale", recipient), ("org_locale", org)] {
        if locale.is_empty() {
            continue;
        }
        return LOCALES
            .iter()
            .copied()
            .find(|l| *l == locale)
            .ok_or_else(|| (field, "must be en or de".to_owned()));
    }
    Ok("en")
}

/// A strict environment holding `locale`'s layouts.
fn environment<'source>(locale: &str) -> Result<Environment<'source>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, layout) in layouts(locale) {
        env.add_template(name, layout)?;
    }
    Ok(env)
}

/// Renders `source` in `locale` with `variables` (a JSON object); fails on unknown
/// variables or syntax.
pub fn render(
    source: &TemplateSource,
    locale: &str,
    variables: &serde_json::Value,
) -> Result<Rendered, minijinja::Error> {
    let mut env = environment(locale)?;
    env.add_template("subject.txt", &source.subject)?;
    env.add_template("body.txt", &source.text)?;
    env.add_template("body.html", &source.html)?;
    let context = minijinja::Value::from_serialize(variables);
    Ok(Rendered {
        subject: env
            .get_template("subject.txt")?
            .render(&context)?
            .trim()
            .replace(['\r', '\n'], " "),
        text: env.get_template("body.txt")?.render(&context)?,
        html: env.get_template("body.html")?.render(&context)?,
    })
}

/// The sample `link` an override is checked with: a template of a key with a link must
/// show it in its text part.
pub const SAMPLE_LINK: &str = "https://portal.example.invalid/sample-link";

/// Checks each part of `source` on its own, so a failure names its field.
pub fn check(
    source: &TemplateSource,
    locale: &str,
    variables: &serde_json::Value,
) -> Result<(), (&'static str, String)> {
    let context = minijinja::Value::from_serialize(variables);
    for (field, text) in [
        ("subject", &source.subject),
        ("text", &source.text),
        ("html", &source.html),
    ] {
        let mut env = environment(locale).map_err(|err| (field, describe(&err)))?;
        let name = if field == "html" {
            "part.html"
        } else {
            "part.txt"
        };
        env.add_template(name, text)
            .and_then(|()| env.get_template(name)?.render(&context))
            .map_err(|err| (field, format!("does not render: {}", describe(&err))))?;
    }
    Ok(())
}

fn describe(err: &minijinja::Error) -> String {
    match (err.detail(), err.line()) {
        (Some(detail), Some(line)) => format!("{} ({detail}, line {line})", err.kind()),
        (Some(detail), None) => format!("{} ({detail})", err.kind()),
        (None, Some(line)) => format!("{} (line {line})", err.kind()),
        (None, None) => err.kind().to_string(),
    }
}

/// The variables a template of `key` may use: the common ones and its own.
pub fn variables_of(key: &str) -> Vec<&'static str> {
    let own = KEY_VARIABLES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(&[][..], |(_, v)| *v);
    COMMON_VARIABLES.iter().chain(own).copied().collect()
}

/// Sample variables for `key`, to check that an override renders before it is saved.
pub fn sample_variables(key: &str) -> serde_json::Value {
    let mut variables = serde_json::Map::new();
    for name in COMMON_VARIABLES {
        variables.insert((*name).into(), "Sample".into());
    }
    let own = KEY_VARIABLES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(&[][..], |(_, v)| *v);
    for name in own {
        let value = match *name {
            "galleries" => {
                serde_json::json!([{ "name": "Sample", "link": "https://example.invalid/g" }])
            }
            "documents" => serde_json::json!([{
                "kind": "invoice",
                "number": "Sample",
                "amount": "Sample",
                "link": "https://example.invalid/i/sample",
            }]),
            "link" => serde_json::Value::from(SAMPLE_LINK),
            "revision" => serde_json::Value::from(2),
            _ => serde_json::Value::from("Sample"),
        };
        variables.insert((*name).into(), value);
    }
    serde_json::Value::Object(variables)
}

#[cfg(test)]
mod render_tests {
    use super::*;

    #[test]
    fn an_unknown_variable_fails_instead_of_rendering_empty() {
        let source = TemplateSource {
            subject: "Hi {{ nobody }}".into(),
            text: "x".into(),
            html: "x".into(),
        };
        assert!(render(&source, "en", &sample_variables("customer_invitation")).is_err());
    }

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let source = TemplateSource {
            subject: "For {{ org_name }}".into(),
            text: "{{ org_name }}".into(),
            html: "<p>{{ org_name }}</p>".into(),
        };
        let variables = serde_json::json!({ "org_name": "<b>A&B</b>" });
        let rendered = render(&source, "en", &variables).unwrap();
        assert_eq!(rendered.text, "<b>A&B</b>");
        assert_eq!(rendered.html, "<p>&lt;b&gt;A&amp;B&lt;&#x2f;b&gt;</p>");
    }

    #[test]
    fn locales_fall_back_from_recipient_to_org_to_english() {
        assert_eq!(choose_locale("de", "en"), Ok("de"));
        assert_eq!(choose_locale("", "de"), Ok("de"));
        assert_eq!(choose_locale("", ""), Ok("en"));
        assert!(choose_locale("fr", "").is_err());
        assert!(choose_locale("", "xx").is_err());
    }

    #[test]
    fn every_default_renders_with_sample_variables() {
        for template in DEFAULTS {
            let variables = sample_variables(template.key);
            let rendered = render(&template.into(), template.locale, &variables);
            assert!(
                rendered.is_ok(),
                "{} {}: {:?}",
                template.key,
                template.locale,
                rendered.err()
            );
            let rendered = rendered.unwrap();
            assert!(rendered.text.contains(SAMPLE_LINK), "{}", template.key);
            // The button and the fallback beneath it (the HTML part escapes its slashes).
            assert_eq!(rendered.html.matches("sample-link\"").count(), 2);
            assert!(rendered.html.ends_with("</html>"));
        }
    }

    #[test]
    fn a_default_holds_only_its_own_words_and_the_layout_the_rest() {
        let invitation = default_template("customer_invitation", "de").unwrap();
        assert!(invitation.html.starts_with("{% extends \"base.html\" %}"));
        assert!(!invitation.html.contains("<body"));
        assert!(!invitation.text.contains("Freundliche Grüße"));
        let rendered = render(
            &invitation.into(),
            "de",
            &sample_variables("customer_invitation"),
        )
        .unwrap();
        assert!(rendered.html.contains("<html lang=\"de\">"));
        assert!(rendered.html.contains(">Passwort festlegen</a>"));
        assert!(rendered.text.starts_with("Hallo Sample,"));
        assert!(rendered.text.ends_with("Freundliche Grüße\nSample\nSample"));
    }

    #[test]
    fn an_override_may_extend_the_layout_of_its_locale() {
        let source = TemplateSource {
            subject: "Hi".into(),
            text: "{% extends \"base.txt\" %}{% block intro %}Own words{% endblock %}".into(),
            html: "{% extends \"base.html\" %}{% block action %}Go{% endblock %}".into(),
        };
        let rendered = render(&source, "en", &sample_variables("customer_invitation")).unwrap();
        assert!(rendered.text.starts_with("Hello Sample,\n\nOwn words\n\n"));
        assert!(rendered.text.contains("Best regards,"));
        assert!(rendered.html.contains(">Go</a>"));
    }
}
