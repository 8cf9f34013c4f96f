//! Wire-level behaviour: namespaces, dispatch, client faults, WSDL and overview.

use crate::common::*;

#[tokio::test]
async fn unqualified_children_default_namespace_and_soapaction_are_fine() {
    let t = T::new().await;
    create_context(&t, 10).await;
    // Default namespace on the wrapper, unqualified children and credential fields.
    let body = r#"<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>
        <getData xmlns="http://soap.admin.openexchange.com"><ctx><id xmlns="">10</id></ctx>
        <auth><login xmlns="">oxadminmaster</login><password xmlns="">secret</password></auth>
        </getData></Body></Envelope>"#;
    let r = t.post("OXContextService", body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.ret_text("name"), "ctx10");
}

#[tokio::test]
async fn malformed_and_unknown_requests_are_client_faults() {
    let t = T::new().await;
    let r = t.post("OXContextService", "<not-xml".to_string()).await;
    assert_eq!(r.status, 500);
    assert_eq!(
        r.fault_node().child("faultcode").unwrap().text,
        "soap:Client"
    );
    let r = t
        .call(
            "OXContextService",
            &format!("<s:frobnicate>{}</s:frobnicate>", master()),
        )
        .await;
    assert_eq!(r.status, 500);
    assert!(
        r.faultstring().contains("Unexpected wrapper element"),
        "{}",
        r.body
    );
    let r = t
        .call(
            "OXContextService",
            &format!(
                "<s:getData><s:ctx><d:id>abc</d:id></s:ctx>{}</s:getData>",
                master()
            ),
        )
        .await;
    assert_eq!(
        r.fault_node().child("faultcode").unwrap().text,
        "soap:Client"
    );
    let r = t
        .http
        .post(t.url("OXNoSuchService"))
        .body("<x/>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn deterministic_exception_ids_count_up() {
    let t = T::new().await;
    let call = format!("<s:getData>{}{}</s:getData>", ctx(1), auth("x", "y"));
    let a = t.call("OXContextService", &call).await.faultstring();
    let b = t.call("OXContextService", &call).await.faultstring();
    assert_eq!(a, "Authentication failed; exceptionId 1-1");
    assert_eq!(b, "Authentication failed; exceptionId 1-2");
}

#[tokio::test]
async fn wsdl_uses_request_host_and_overview_lists_services() {
    let t = T::new().await;
    for svc in [
        "OXContextService",
        "OXUserService",
        "OXGroupService",
        "OXResourceService",
        "OXResellerService",
        "OXResellerContextService",
        "OXResellerUserService",
        "OXResellerGroupService",
        "OXResellerResourceService",
    ] {
        let r = t
            .http
            .get(format!("{}?wsdl", t.url(svc)))
            .header("host", "ox.example.com:8080")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let text = r.text().await.unwrap();
        assert!(
            text.contains(&format!(
                "location=\"http://ox.example.com:8080/webservices/{svc}\""
            )),
            "{svc}"
        );
        assert!(text.contains(&format!("<wsdl:service name=\"{svc}\">")));
    }
    let overview = t
        .http
        .get(format!("{}/webservices/", t.sim.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(overview.contains("OXResellerUserService?wsdl"));
    let no_query = t.http.get(t.url("OXUserService")).send().await.unwrap();
    assert_eq!(no_query.status().as_u16(), 500);
}

#[tokio::test]
async fn void_style_empty_body() {
    let mut cfg = ox_sim::SimConfig::for_test(MASTER_PW);
    cfg.void_style = ox_sim::VoidStyle::EmptyBody;
    let t = T::with(cfg).await;
    create_context(&t, 5).await;
    let r = t
        .ok(
            "OXContextService",
            &format!("<s:disable>{}{}</s:disable>", ctx(5), master()),
        )
        .await;
    assert!(r.body_node().children.is_empty(), "{}", r.body);
}
