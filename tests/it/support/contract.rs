//! The gateway's own `/api/openapi.json` as a contract: an answer's status must be one
//! the document lists for its route, and a JSON answer must fit the schema listed for
//! that status. A drift between the code and the document fails the test that saw it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// The document, its routes as templates, and the validators made so far.
pub struct Contract {
    document: Value,
    templates: Vec<(String, Vec<String>)>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// The one contract, built from the gateway's document the first time it is asked for.
pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let document = atrium_gateway::openapi::document();
        let templates = document["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .map(|path| (path.clone(), segments(path)))
            .collect();
        Contract {
            document,
            templates,
            validators: Mutex::default(),
        }
    })
}

fn segments(path: &str) -> Vec<String> {
    path.trim_start_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

/// JSON pointer escaping of one key, percent-encoded for a URI fragment.
fn escape(key: &str) -> String {
    key.replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

impl Contract {
    /// The documented path template `path` falls under: the one whose literal segments
    /// match most (`/customers/invitations` before `/customers/{id}`).
    fn template(&self, path: &str) -> Option<&str> {
        let wanted = segments(path.split('?').next().unwrap_or(path));
        self.templates
            .iter()
            .filter(|(_, template)| {
                template.len() == wanted.len()
                    && template
                        .iter()
                        .zip(&wanted)
                        .all(|(t, w)| t.starts_with('{') || t == w)
            })
            .max_by_key(|(_, template)| template.iter().filter(|t| !t.starts_with('{')).count())
            .map(|(path, _)| path.as_str())
    }

    /// Holds one answer to the document; answers what is wrong, if anything.
    pub fn check(
        &self,
        method: &str,
        path: &str,
        status: u16,
        json: bool,
        body: &[u8],
    ) -> Result<(), String> {
        let Some(template) = self.template(path) else {
            return Err(format!("{path} is not in the document"));
        };
        let method = method.to_lowercase();
        let operation = &self.document["paths"][template][&method];
        if operation.is_null() {
            return Err(format!("{method} {template} is not in the document"));
        }
        let answer = &operation["responses"][status.to_string()];
        if answer.is_null() {
            return Err(format!(
                "{method} {template} answered {status}, which the document does not list \
                 (it lists {:?})",
                operation["responses"]
                    .as_object()
                    .map(|r| r.keys().cloned().collect::<Vec<_>>())
            ));
        }
        if answer["content"]
            .as_object()
            .is_some_and(|content| content.keys().any(|media| media != "application/json"))
        {
            // A file: any bytes.
            return Ok(());
        }
        let schema = &answer["content"]["application/json"]["schema"];
        if schema.is_null() {
            if body.is_empty() {
                return Ok(());
            }
            return Err(format!("{method} {template} {status} should have no body"));
        }
        if !json {
            return Err(format!("{method} {template} {status} is not JSON"));
        }
        let instance: Value = serde_json::from_slice(body)
            .map_err(|err| format!("{method} {template} {status}: not JSON: {err}"))?;
        let pointer = format!(
            "#/paths/{}/{method}/responses/{status}/content/application~1json/schema",
            escape(template)
        );
        let validator = self.validator(&pointer)?;
        let problems: Vec<String> = validator
            .iter_errors(&instance)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        if problems.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{method} {template} {status} does not fit its schema: {}\n{instance}",
            problems.join("; ")
        ))
    }

    /// A validator of the schema at `pointer` in the document (its `$ref`s resolve in
    /// the document itself).
    fn validator(&self, pointer: &str) -> Result<Arc<jsonschema::Validator>, String> {
        let mut validators = self.validators.lock().expect("validators lock");
        if let Some(validator) = validators.get(pointer) {
            return Ok(validator.clone());
        }
        let mut root = self.document.clone();
        root["$ref"] = Value::from(pointer);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|err| format!("the schema at {pointer} does not compile: {err}"))?;
        let validator = Arc::new(validator);
        validators.insert(pointer.to_owned(), validator.clone());
        Ok(validator)
    }
}
