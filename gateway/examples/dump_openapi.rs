fn main() {
    let document = atrium_gateway::openapi::document();
    println!("{}", serde_json::to_string_pretty(&document).unwrap());
}
