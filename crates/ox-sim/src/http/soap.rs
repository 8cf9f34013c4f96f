//! `POST /webservices/<Service>`: parse, inject faults, dispatch on the body's first
//! element (SOAPAction is ignored), answer with a response or a fault.
//! `GET /webservices/<Service>?wsdl` and `GET /webservices/`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tracing::Instrument;

use super::inject::{drop_response, http_503, slow_body};
use super::{AppState, base_url};
use crate::domain::{self, Args};
use crate::error::{Exception, OxError};
use crate::faults::Action;
use crate::schema::{Kind, Service};
use crate::soap::decode::decode_params;
use crate::soap::encode::response;
use crate::soap::envelope::parse_request;
use crate::soap::fault::{client_fault, server_fault};
use crate::wsdl;

const XML: &str = "text/xml;charset=UTF-8";

fn xml(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, XML)], body).into_response()
}

fn interface_name(svc: &Service) -> &'static str {
    match svc.kind {
        Kind::Context => "com.openexchange.admin.rmi.OXContextInterface",
        Kind::User => "com.openexchange.admin.rmi.OXUserInterface",
        Kind::Group => "com.openexchange.admin.rmi.OXGroupInterface",
        Kind::Resource => "com.openexchange.admin.rmi.OXResourceInterface",
        Kind::Reseller => "com.openexchange.admin.reseller.rmi.OXResellerInterface",
    }
}

/// Handles one SOAP call.
pub async fn call(
    State(st): State<Arc<AppState>>,
    Path(service): Path<String>,
    body: Bytes,
) -> Response {
    let Some(svc) = st.sim.schema.service(&service) else {
        return (StatusCode::NOT_FOUND, "No such service").into_response();
    };
    let decision = st.faults.decide();
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    match decision.action {
        Action::Drop => {
            st.stats.fault("injected_drop");
            return drop_response();
        }
        Action::Http503 => {
            st.stats.fault("injected_503");
            return http_503();
        }
        Action::Remote => {
            st.stats.fault("injected_remote");
            let msg = format!("Missing {} instance.", interface_name(svc));
            let err = OxError::new(Exception::Remote, msg);
            return xml(
                StatusCode::INTERNAL_SERVER_ERROR,
                server_fault(svc.tns(), &err, &st.sim.ids),
            );
        }
        Action::Pass | Action::DropAfter => {}
    }
    // Like OX, finish a call whose client went away: hyper drops this future when the connection
    // closes, and a database transaction cut off mid-way would leave the store inconsistent.
    let worker = {
        let (st, service) = (st.clone(), service.clone());
        tokio::spawn(async move {
            let svc = st.sim.schema.service(&service)?;
            Some(process(&st, svc, &body).await)
        })
    };
    let Ok(Some((status, text, op_name))) = worker.await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "ox-sim: the call failed internally",
        )
            .into_response();
    };
    if decision.action == Action::DropAfter {
        st.stats.fault("injected_drop_after");
        return drop_response();
    }
    if !decision.slow_body.is_zero() {
        let mut r = Response::new(slow_body(text, decision.slow_body));
        *r.status_mut() = status;
        if let Ok(v) = XML.parse() {
            r.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        return r;
    }
    tracing::trace!(op = op_name, "responded");
    xml(status, text)
}

/// Parses, dispatches and renders; returns status, body and the operation name.
async fn process(st: &AppState, svc: &Service, body: &[u8]) -> (StatusCode, String, &'static str) {
    let fail = StatusCode::INTERNAL_SERVER_ERROR;
    let Ok(text) = std::str::from_utf8(body) else {
        return (
            fail,
            client_fault("Unmarshalling Error: invalid UTF-8"),
            "?",
        );
    };
    let wrapper = match parse_request(text) {
        Ok(w) => w,
        Err(e) => return (fail, client_fault(&e.to_string()), "?"),
    };
    let Some(op) = svc.op(&wrapper.local) else {
        let ns = wrapper.ns.as_deref().unwrap_or_default();
        let msg = format!(
            "Unexpected wrapper element {{{ns}}}{} found.",
            wrapper.local
        );
        return (fail, client_fault(&msg), "?");
    };
    let schema = &st.sim.schema;
    let args = match decode_params(schema, op, &wrapper) {
        Ok(a) => a,
        Err(e) => return (fail, client_fault(&e.to_string()), op.name),
    };
    st.stats.request(format!("{}.{}", svc.name, op.name));
    let span = tracing::info_span!("soap", service = svc.name, op = op.name);
    let result = domain::dispatch(&st.sim, svc, op.name, Args(args))
        .instrument(span)
        .await;
    match result {
        Ok(v) => (
            StatusCode::OK,
            response(schema, svc.tns(), op, &v, st.sim.cfg.void_style),
            op.name,
        ),
        Err(e) => {
            tracing::info!(service = svc.name, op = op.name, error = %e, "fault");
            st.stats.fault(e.exception.name());
            (fail, server_fault(svc.tns(), &e, &st.sim.ids), op.name)
        }
    }
}

/// `GET /webservices/<Service>?wsdl`.
pub async fn wsdl(
    State(st): State<Arc<AppState>>,
    Path(service): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(svc) = st.sim.schema.service(&service) else {
        return (StatusCode::NOT_FOUND, "No such service").into_response();
    };
    let wants_wsdl = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p.eq_ignore_ascii_case("wsdl")));
    if !wants_wsdl {
        let msg = format!("No such operation: (HTTP GET PATH_INFO: /webservices/{service})");
        return xml(StatusCode::INTERNAL_SERVER_ERROR, client_fault(&msg));
    }
    let text = wsdl::render(&st.sim.schema, svc, &base_url(&headers));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, XML)],
        Body::from(text),
    )
        .into_response()
}

/// `GET /webservices/`: the list of services.
pub async fn overview(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let html = wsdl::overview(&st.sim.schema, &base_url(&headers));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html;charset=UTF-8")],
        html,
    )
        .into_response()
}
