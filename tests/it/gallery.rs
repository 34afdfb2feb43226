//! Gallery items through the gateway: photos uploaded with their renditions made at
//! once (upright, without EXIF or GPS), visibility per tier (staff, assigned customers,
//! guests with the password), every rendition authorized on its own request, the
//! customer's ZIP, and images that do not decode or are too large refused with nothing
//! kept.

use std::io::Cursor;
use std::time::Duration;

use image::{ImageFormat, RgbImage};
use reqwest::Method;
use serde_json::{Value, json};

use crate::customer_lockout::{World, configure};
use crate::documents_http::{customer_fetch, header, send_multipart};
use crate::portal_access::create_project;
use crate::support::app::{TestApp, error_code};
use crate::support::files::Files;
use atrium_common::testkit::smtp::SmtpServer;

/// A `width` × `height` JPEG whose EXIF says "turn 90° clockwise" and carries a GPS
/// position, as a phone writes it.
fn phone_jpeg(width: u32, height: u32) -> Vec<u8> {
    let pixels = RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 90, 160]));
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut Cursor::new(&mut plain), ImageFormat::Jpeg)
        .unwrap();
    // TIFF, little-endian: IFD0 with Orientation = 6 and a GPS IFD pointer; the GPS IFD
    // with GPSLatitudeRef = "N".
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    let gps_at: u32 = 8 + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]);
    tiff.extend_from_slice(&gps_at.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(RgbImage::new(width, height))
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

async fn world(files: &Files) -> World {
    let smtp = SmtpServer::start().await.expect("smtp");
    let mail = configure(&smtp);
    let url = files.url();
    let app = TestApp::start_with(move |env| {
        mail(env);
        env.storage_url = Some(url);
        env.image_max_pixels = Some(1_000_000);
    })
    .await;
    World::on(app, smtp).await
}

async fn upload(
    world: &World,
    project: &str,
    name: &str,
    bytes: &[u8],
    visibility: &str,
) -> reqwest::Response {
    let path = format!("/api/admin/projects/{project}/gallery");
    let parts = [
        ("caption", None, name.as_bytes()),
        ("visibility", None, visibility.as_bytes()),
        ("file", Some(name), bytes),
    ];
    send_multipart(world, Method::POST, &path, &parts).await
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn photos_show_to_each_tier_what_their_visibility_allows() {
    let files = Files::new().await;
    let world = world(&files).await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let body = json!({"name": "Wedding", "kind": "gallery", "guest_password": "guest pass 1234"});
    let wedding = create_project(&world, body).await;
    let wedding_id = wedding["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/admin/projects/{wedding_id}/customers");
    assert_eq!(
        world
            .staff(
                Method::PUT,
                &assign,
                Some(&json!({"customer_ids": [ann_id]}))
            )
            .await
            .status(),
        200
    );

    // A phone photo: stored as uploaded, its renditions upright and without metadata.
    let photo = phone_jpeg(640, 320);
    let created = upload(&world, &wedding_id, "Kuss am Altar.jpg", &photo, "public").await;
    assert_eq!(created.status(), 201);
    let public: Value = created.json().await.unwrap();
    assert_eq!(
        (&public["width"], &public["height"]),
        (&json!(320), &json!(640)),
        "upright"
    );
    assert_eq!(public["visibility"], "public");
    let client: Value = upload(&world, &wedding_id, "table.png", &png(50, 40), "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(client["visibility"], "client", "the default");
    let internal: Value = upload(&world, &wedding_id, "setup.png", &png(30, 30), "internal")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(files.count().await, 9, "three files per photo");
    let (public_id, client_id, internal_id) = (
        public["id"].as_str().unwrap().to_owned(),
        client["id"].as_str().unwrap().to_owned(),
        internal["id"].as_str().unwrap().to_owned(),
    );

    for (rendition, longest) in [("thumb", 400), ("preview", 640)] {
        let got = world
            .staff(
                Method::GET,
                &format!("/api/admin/gallery/{public_id}/{rendition}"),
                None,
            )
            .await;
        assert_eq!(got.status(), 200);
        assert_eq!(header(&got, "content-type"), "image/jpeg");
        assert!(header(&got, "content-disposition").starts_with("inline;"));
        let bytes = got.bytes().await.unwrap();
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif"),
            "{rendition} carries no EXIF"
        );
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!(decoded.height(), longest, "{rendition}");
        assert!(decoded.width() < decoded.height(), "{rendition} is upright");
    }
    let original = world
        .staff(
            Method::GET,
            &format!("/api/admin/gallery/{public_id}/original"),
            None,
        )
        .await;
    assert!(header(&original, "content-disposition").starts_with("attachment;"));
    assert_eq!(
        original.bytes().await.unwrap().as_ref(),
        photo.as_slice(),
        "the original as uploaded"
    );

    // Staff see all three; Ann the client and public ones; guests the public one.
    let staff_list: Value = world
        .staff(
            Method::GET,
            &format!("/api/admin/projects/{wedding_id}/gallery"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        ids(&staff_list),
        [public_id.clone(), client_id.clone(), internal_id.clone()]
    );
    let gallery = format!("/api/customer/projects/{wedding_id}/gallery");
    let mine: Value = customer_fetch(&world.app, Method::GET, &gallery, &ann, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&mine), [public_id.clone(), client_id.clone()]);
    let hidden = format!("/api/customer/gallery/{internal_id}/thumb");
    assert_eq!(
        customer_fetch(&world.app, Method::GET, &hidden, &ann, &[])
            .await
            .status(),
        404
    );
    let shown = format!("/api/customer/gallery/{client_id}/preview");
    assert_eq!(
        customer_fetch(&world.app, Method::GET, &shown, &ann, &[])
            .await
            .status(),
        200
    );

    let opened = world
        .app
        .post_json(
            "/api/gallery/acme/wedding/access",
            &json!({"password": "guest pass 1234"}),
        )
        .await;
    assert_eq!(opened.status(), 204);
    let cookie = opened.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let guest = |path: String| {
        let request = world
            .app
            .http
            .get(world.app.url(&path))
            .header("cookie", cookie.clone());
        async move { request.send().await.unwrap() }
    };
    let theirs: Value = guest("/api/gallery/acme/wedding/items".to_owned())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&theirs), std::slice::from_ref(&public_id));
    assert_eq!(
        guest(format!("/api/gallery/acme/wedding/items/{public_id}/thumb"))
            .await
            .status(),
        200
    );
    for path in [
        format!("/api/gallery/acme/wedding/items/{public_id}/original"),
        format!("/api/gallery/acme/wedding/items/{client_id}/thumb"),
    ] {
        assert_eq!(guest(path.clone()).await.status(), 404, "{path}");
    }

    // Bulk visibility is all or nothing: an id of another project changes nothing.
    let other = create_project(&world, json!({"name": "Other", "kind": "gallery"})).await;
    let stray: Value = upload(
        &world,
        other["id"].as_str().unwrap(),
        "x.png",
        &png(10, 10),
        "",
    )
    .await
    .json()
    .await
    .unwrap();
    let bulk = format!("/api/admin/projects/{wedding_id}/gallery/visibility");
    let body = json!({"item_ids": [client_id, stray["id"]], "visibility": "public"});
    assert_eq!(
        world.staff(Method::POST, &bulk, Some(&body)).await.status(),
        404
    );
    let theirs: Value = guest("/api/gallery/acme/wedding/items".to_owned())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        ids(&theirs),
        std::slice::from_ref(&public_id),
        "nothing changed"
    );
    let body = json!({"item_ids": [client_id], "visibility": "public"});
    assert_eq!(
        world.staff(Method::POST, &bulk, Some(&body)).await.status(),
        200
    );
    let theirs: Value = guest("/api/gallery/acme/wedding/items".to_owned())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&theirs).len(), 2);

    // The customer's ZIP holds every original they may see, under unique names.
    let zip = customer_fetch(
        &world.app,
        Method::GET,
        &format!("{gallery}.zip"),
        &ann,
        &[],
    )
    .await;
    assert_eq!(zip.status(), 200);
    assert_eq!(header(&zip, "content-type"), "application/zip");
    let archive = zip.bytes().await.unwrap();
    check_zip(&archive, &["Kuss am Altar.jpg", "table.png"], photo.len());

    // A new guest password ends the guest's renditions; taking the gallery away ends
    // Ann's on her next request.
    let patch = format!("/api/admin/projects/{wedding_id}");
    let body = json!({"guest_password": "another pass 5678"});
    assert_eq!(
        world
            .staff(Method::PATCH, &patch, Some(&body))
            .await
            .status(),
        200
    );
    let ended = guest(format!("/api/gallery/acme/wedding/items/{public_id}/thumb")).await;
    assert_eq!(ended.status(), 401);
    assert_eq!(
        world
            .staff(Method::PUT, &assign, Some(&json!({"customer_ids": []})))
            .await
            .status(),
        200
    );
    for path in [
        gallery.clone(),
        format!("/api/customer/gallery/{public_id}/thumb"),
        format!("{gallery}.zip"),
    ] {
        let (status, code, _) =
            error_code(customer_fetch(&world.app, Method::GET, &path, &ann, &[]).await).await;
        assert_eq!(
            (status, code.as_str()),
            (403, "CUSTOMER_ASSIGNMENT_REVOKED"),
            "{path}"
        );
    }

    // Deleting a photo takes its three files.
    let before = files.count().await;
    assert_eq!(
        world
            .staff(
                Method::DELETE,
                &format!("/api/admin/gallery/{internal_id}"),
                None
            )
            .await
            .status(),
        204
    );
    assert_eq!(files.count().await, before - 3);
}

/// The archive is a ZIP whose entries are `names` (the first `first_size` bytes long),
/// as Python's zipfile reads it when there is a Python; else its signatures.
#[tokio::test]
async fn a_photo_customers_can_see_becomes_the_dashboards_cover() {
    let files = Files::new().await;
    let world = world(&files).await;
    let (ann, ann_id) = world.customer("ann@customer.test", "Ann", "", 1).await;
    let body = json!({"name": "House", "kind": "project", "cover_url": "https://cdn.example.test/house.jpg"});
    let house = create_project(&world, body).await;
    let house_id = house["id"].as_str().unwrap().to_owned();
    let other = create_project(&world, json!({"name": "Shed", "kind": "project"})).await;
    let other_id = other["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/admin/projects/{house_id}/customers");
    let ids = json!({"customer_ids": [ann_id]});
    let assigned = world.staff(Method::PUT, &assign, Some(&ids)).await;
    assert_eq!(assigned.status(), 200);
    let photo = |project: String, visibility: &'static str| {
        let world = &world;
        async move {
            let created = upload(world, &project, "front.png", &png(60, 40), visibility).await;
            let item: Value = created.json().await.unwrap();
            item["id"].as_str().unwrap().to_owned()
        }
    };
    let front = photo(house_id.clone(), "client").await;
    let hidden = photo(house_id.clone(), "internal").await;
    let elsewhere = photo(other_id.clone(), "public").await;
    let project_path = format!("/api/admin/projects/{house_id}");
    let set_cover = |item: Value| {
        let world = &world;
        let path = project_path.clone();
        async move {
            let body = json!({ "cover_item_id": item });
            world.staff(Method::PATCH, &path, Some(&body)).await
        }
    };
    let cover = || async {
        let board: Value = customer_fetch(
            &world.app,
            Method::GET,
            "/api/customer/dashboard",
            &ann,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
        board["projects"][0]["cover_url"].clone()
    };
    assert_eq!(cover().await, "https://cdn.example.test/house.jpg");

    // Another project's photo, an internal one, or no photo at all: 422, nothing changes.
    for item in [
        elsewhere.as_str(),
        hidden.as_str(),
        "not-an-id",
        "0190aaaa-0000-7000-8000-000000000000",
    ] {
        let refused = set_cover(json!(item)).await;
        assert_eq!(refused.status(), 422, "{item}");
        let body: Value = refused.json().await.unwrap();
        assert!(
            body["error"]["fields"]["cover_item_id"].is_string(),
            "{body}"
        );
    }
    assert_eq!(cover().await, "https://cdn.example.test/house.jpg");

    // One of its photos: the card shows its thumb through the customer's route.
    let set = set_cover(json!(front)).await;
    assert_eq!(set.status(), 200);
    let project: Value = set.json().await.unwrap();
    assert_eq!(project["cover_item_id"], json!(front));
    let thumb = format!("/api/customer/gallery/{front}/thumb");
    assert_eq!(cover().await, json!(thumb));
    let shown = customer_fetch(&world.app, Method::GET, &thumb, &ann, &[]).await;
    assert_eq!(shown.status(), 200);
    assert_eq!(header(&shown, "content-type"), "image/jpeg");
    let read = customer_fetch(
        &world.app,
        Method::GET,
        &format!("/api/customer/projects/{house_id}"),
        &ann,
        &[],
    )
    .await;
    assert_eq!(
        read.json::<Value>().await.unwrap()["cover_url"],
        json!(thumb)
    );

    // Made internal, the photo is no cover any more; set again, then deleted, likewise.
    let item_path = format!("/api/admin/gallery/{front}");
    let internal = json!({"visibility": "internal"});
    assert_eq!(
        world
            .staff(Method::PATCH, &item_path, Some(&internal))
            .await
            .status(),
        200
    );
    world.app.settled().await;
    assert_eq!(cover().await, "https://cdn.example.test/house.jpg");
    let client = json!({"visibility": "client"});
    assert_eq!(
        world
            .staff(Method::PATCH, &item_path, Some(&client))
            .await
            .status(),
        200
    );
    assert_eq!(set_cover(json!(front)).await.status(), 200);
    assert_eq!(
        world.staff(Method::DELETE, &item_path, None).await.status(),
        204
    );
    world.app.settled().await;
    assert_eq!(cover().await, "https://cdn.example.test/house.jpg");
    let read = world.staff(Method::GET, &project_path, None).await;
    assert_eq!(
        read.json::<Value>().await.unwrap()["cover_item_id"],
        Value::Null
    );

    // `null` removes a cover photo.
    let second = photo(house_id.clone(), "public").await;
    assert_eq!(set_cover(json!(second)).await.status(), 200);
    assert_eq!(set_cover(Value::Null).await.status(), 200);
    assert_eq!(cover().await, "https://cdn.example.test/house.jpg");
}

fn check_zip(archive: &[u8], names: &[&str], first_size: usize) {
    assert_eq!(&archive[..4], b"PK\x03\x04");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gallery.zip");
    std::fs::write(&path, archive).unwrap();
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n\
                  print('\\n'.join(f'{i.filename}\\t{i.file_size}' for i in z.infolist()))";
    match std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
    {
        Ok(out) if out.status.success() => {
            let listing = String::from_utf8(out.stdout).unwrap();
            let entries: Vec<(&str, usize)> = listing
                .lines()
                .map(|l| {
                    let (name, size) = l.split_once('\t').unwrap();
                    (name, size.parse().unwrap())
                })
                .collect();
            let got: Vec<&str> = entries.iter().map(|(n, _)| *n).collect();
            assert_eq!(got, names);
            assert_eq!(entries[0].1, first_size);
        }
        Ok(out) => panic!(
            "the ZIP does not read: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("python3 is missing: the ZIP's entries are not checked"),
    }
}

#[tokio::test]
async fn images_that_do_not_decode_or_are_too_large_leave_nothing() {
    let files = Files::new().await;
    let world = world(&files).await;
    let project = create_project(&world, json!({"name": "Site", "kind": "project"})).await;
    let project_id = project["id"].as_str().unwrap().to_owned();
    let broken: Vec<u8> = [
        &[0xFF, 0xD8, 0xFF, 0xE0][..],
        b"\x00\x10JFIF\x00 not an image at all",
    ]
    .concat();
    let cases: [(&str, Vec<u8>, u16); 4] = [
        ("huge.png", png(1200, 1000), 422),
        ("broken.jpg", broken, 422),
        ("notes.pdf", b"%PDF-1.4\n%%EOF\n".to_vec(), 415),
        (
            "vector.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
            415,
        ),
    ];
    for (name, bytes, status) in cases {
        let answer = upload(&world, &project_id, name, &bytes, "").await;
        let (got, _, body) = error_code(answer).await;
        assert_eq!(got, status, "{name}: {body}");
        if status == 422 {
            assert!(
                body["error"]["fields"].get("file").is_some(),
                "{name}: {body}"
            );
        }
    }
    let bad = upload(&world, &project_id, "ok.png", &png(10, 10), "everyone").await;
    assert_eq!(error_code(bad).await.0, 422);
    // A stray object or two may be on its way out: give deletes a moment.
    for _ in 0..20 {
        if files.count().await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(files.count().await, 0, "nothing was kept");
    let list: Value = world
        .staff(
            Method::GET,
            &format!("/api/admin/projects/{project_id}/gallery"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    // Another organization's staff reach none of it.
    let (_, _, theirs) = world.app.org_with_owner("other").await;
    let path = format!("/api/admin/projects/{project_id}/gallery");
    assert_eq!(
        world
            .app
            .staff_call(Method::GET, &path, &theirs, None)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn the_orgs_logo_is_stored_here_and_served_to_anyone() {
    let files = Files::new().await;
    let world = world(&files).await;
    let logo = png(120, 40);
    let put = |parts: Vec<(&'static str, Option<&'static str>, Vec<u8>)>| {
        let world = &world;
        async move {
            let parts: Vec<(&str, Option<&str>, &[u8])> = parts
                .iter()
                .map(|(n, f, b)| (*n, *f, b.as_slice()))
                .collect();
            send_multipart(world, Method::PUT, "/api/admin/settings/logo", &parts).await
        }
    };
    let big = [b"\x89PNG\r\n\x1a\n".to_vec(), vec![0u8; 1024 * 1024]].concat();
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec();
    assert_eq!(
        error_code(put(vec![("file", Some("big.png"), big)]).await)
            .await
            .0,
        413
    );
    assert_eq!(
        error_code(put(vec![("file", Some("logo.svg"), svg)]).await)
            .await
            .0,
        415
    );
    assert_eq!(error_code(put(vec![]).await).await.0, 422);
    assert_eq!(files.count().await, 0);

    let saved = put(vec![("file", Some("logo.png"), logo.clone())]).await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    let url = saved["branding"]["logo_url"].as_str().unwrap().to_owned();
    assert!(
        url.contains("/api/public/orgs/") && url.contains("/logo?v="),
        "{url}"
    );
    // Anyone reads it, by the org's slug or by the URL the branding holds.
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap();
    for path in ["/api/public/orgs/acme/logo".to_owned(), path] {
        let got = world.app.get(&path).await;
        assert_eq!(got.status(), 200, "{path}");
        assert_eq!(header(&got, "content-type"), "image/png");
        assert_eq!(got.bytes().await.unwrap().as_ref(), logo.as_slice());
    }
    let branding: Value = world
        .app
        .get("/api/public/orgs/acme/branding")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(branding["logo_url"], url.as_str());
    // A new logo replaces the old file.
    let again = put(vec![("file", Some("logo2.png"), png(60, 20))]).await;
    assert_eq!(again.status(), 200);
    assert_eq!(files.count().await, 1);
    assert_eq!(
        world.app.get("/api/public/orgs/nobody/logo").await.status(),
        404
    );
}
