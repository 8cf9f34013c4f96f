//! Generates a CXF-style WSDL (document/literal wrapped, inline XSD with
//! `elementFormDefault="qualified"`) for each service from the schema table.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

use crate::error::Exception;
use crate::schema::{ComplexType, Field, Ns, Schema, Service, Ty};
use crate::soap::encode::escape_into;

const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
const WSDL_SOAP_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";
const WSAM_NS: &str = "http://www.w3.org/2007/05/addressing/metadata";

/// Renders the WSDL of `svc`; `base_url` is `http://host[:port]` (from the request).
pub fn render(schema: &Schema, svc: &Service, base_url: &str) -> String {
    let tns = svc.tns();
    let types = reachable_types(schema, svc);
    let mut namespaces: BTreeSet<Ns> = types.iter().map(|t| t.ns).collect();
    namespaces.insert(tns);
    for f in svc.faults {
        namespaces.insert(fault_type_ns(f));
    }

    let mut o = String::with_capacity(64 * 1024);
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        o,
        "<wsdl:definitions xmlns:wsdl=\"{WSDL_NS}\" xmlns:soap=\"{WSDL_SOAP_NS}\" \
         xmlns:xsd=\"{XSD_NS}\" xmlns:wsam=\"{WSAM_NS}\" xmlns:tns=\"{}\"",
        tns.uri()
    );
    ns_decls(&mut o, &namespaces);
    let _ = writeln!(
        o,
        " name=\"{}\" targetNamespace=\"{}\">",
        svc.name,
        tns.uri()
    );
    o.push_str("<wsdl:types>\n");
    for ns in &namespaces {
        schema_for_ns(&mut o, schema, svc, *ns, &namespaces, &types);
    }
    o.push_str("</wsdl:types>\n");
    messages(&mut o, svc);
    port_type(&mut o, svc);
    binding(&mut o, svc);
    let _ = write!(
        o,
        "<wsdl:service name=\"{n}\"><wsdl:port binding=\"tns:{n}Soap11Binding\" \
         name=\"{n}HttpSoap11Endpoint\"><soap:address location=\"",
        n = svc.name
    );
    escape_into(&mut o, base_url);
    let _ = writeln!(
        o,
        "/webservices/{}\"/></wsdl:port></wsdl:service>\n</wsdl:definitions>",
        svc.name
    );
    o
}

fn ns_decls(o: &mut String, namespaces: &BTreeSet<Ns>) {
    for ns in namespaces {
        let _ = write!(o, " xmlns:{}=\"{}\"", ns.prefix(), ns.uri());
    }
}

fn fault_type_ns(fault: &str) -> Ns {
    if fault == Exception::Remote.name() {
        Ns::RmiJava
    } else if fault == Exception::OxReseller.name() {
        Ns::ResellerExceptions
    } else {
        Ns::Exceptions
    }
}

/// All complex types used by the service's operations, transitively.
fn reachable_types<'a>(schema: &'a Schema, svc: &Service) -> Vec<&'a ComplexType> {
    let mut seen: HashSet<&'static str> = HashSet::new();
    let mut todo: Vec<&'static str> = Vec::new();
    let push = |ty: &Ty, todo: &mut Vec<&'static str>| {
        if let Ty::Complex(n) = ty {
            todo.push(n);
        }
    };
    for op in &svc.ops {
        for f in op.params.iter().chain(op.ret.iter()) {
            push(&f.ty, &mut todo);
        }
    }
    while let Some(n) = todo.pop() {
        if !seen.insert(n) {
            continue;
        }
        if let Some(t) = schema.ty(n) {
            if let Some(b) = t.base {
                todo.push(b);
            }
            for f in &t.fields {
                push(&f.ty, &mut todo);
            }
        }
    }
    schema.types().filter(|t| seen.contains(t.name)).collect()
}

fn type_ref(ty: Ty, schema: &Schema) -> String {
    match ty {
        Ty::Prim(p) => format!("xsd:{}", p.xsd_name()),
        Ty::Complex(n) => {
            let ns = schema.ty(n).map(|t| t.ns).unwrap_or(Ns::DataSoap);
            format!("{}:{}", ns.prefix(), n)
        }
    }
}

fn element(o: &mut String, schema: &Schema, f: &Field) {
    let _ = write!(o, "<xsd:element minOccurs=\"0\"");
    if f.many {
        o.push_str(" maxOccurs=\"unbounded\"");
    }
    let _ = write!(o, " name=\"{}\"", f.name);
    if f.nillable {
        o.push_str(" nillable=\"true\"");
    }
    let _ = writeln!(o, " type=\"{}\"/>", type_ref(f.ty, schema));
}

fn schema_for_ns(
    o: &mut String,
    schema: &Schema,
    svc: &Service,
    ns: Ns,
    all: &BTreeSet<Ns>,
    types: &[&ComplexType],
) {
    let _ = write!(o, "<xsd:schema xmlns:xsd=\"{XSD_NS}\"");
    ns_decls(o, all);
    let _ = writeln!(
        o,
        " attributeFormDefault=\"unqualified\" elementFormDefault=\"qualified\" \
         targetNamespace=\"{}\">",
        ns.uri()
    );
    for other in all.iter().filter(|n| **n != ns) {
        let _ = writeln!(o, "<xsd:import namespace=\"{}\"/>", other.uri());
    }
    for t in types.iter().filter(|t| t.ns == ns) {
        let _ = write!(o, "<xsd:complexType name=\"{}\">", t.name);
        match t.base {
            Some(b) => {
                let _ = writeln!(
                    o,
                    "<xsd:complexContent><xsd:extension base=\"{}\"><xsd:sequence>",
                    type_ref(Ty::Complex(b), schema)
                );
                t.fields.iter().for_each(|f| element(o, schema, f));
                o.push_str("</xsd:sequence></xsd:extension></xsd:complexContent>");
            }
            None => {
                o.push_str("<xsd:sequence>\n");
                t.fields.iter().for_each(|f| element(o, schema, f));
                o.push_str("</xsd:sequence>");
            }
        }
        o.push_str("</xsd:complexType>\n");
    }
    exception_types(o, svc, ns);
    if ns == svc.tns() {
        wrapper_elements(o, schema, svc);
    }
    o.push_str("</xsd:schema>\n");
}

fn exception_types(o: &mut String, svc: &Service, ns: Ns) {
    if ns == svc.tns() {
        o.push_str(
            "<xsd:complexType name=\"Exception\"><xsd:sequence><xsd:element minOccurs=\"0\" \
             name=\"Exception\" nillable=\"true\" type=\"xsd:anyType\"/></xsd:sequence>\
             </xsd:complexType>\n",
        );
    }
    for f in svc.faults.iter().filter(|f| fault_type_ns(f) == ns) {
        let extra = match *f {
            "InvalidDataException" => {
                "<xsd:element minOccurs=\"0\" name=\"objectname\" nillable=\"true\" \
                 type=\"xsd:string\"/>"
            }
            "RemoteException" => {
                "<xsd:element minOccurs=\"0\" name=\"message\" nillable=\"true\" \
                 type=\"xsd:string\"/>"
            }
            _ => "",
        };
        let _ = writeln!(
            o,
            "<xsd:complexType name=\"{f}\"><xsd:complexContent><xsd:extension \
             base=\"tns:Exception\"><xsd:sequence>{extra}</xsd:sequence></xsd:extension>\
             </xsd:complexContent></xsd:complexType>"
        );
    }
}

fn wrapper_elements(o: &mut String, schema: &Schema, svc: &Service) {
    for f in svc.faults {
        let _ = writeln!(
            o,
            "<xsd:element name=\"{f}\"><xsd:complexType><xsd:sequence><xsd:element \
             minOccurs=\"0\" name=\"{f}\" nillable=\"true\" type=\"{}:{f}\"/></xsd:sequence>\
             </xsd:complexType></xsd:element>",
            fault_type_ns(f).prefix()
        );
    }
    for op in &svc.ops {
        let _ = writeln!(
            o,
            "<xsd:element name=\"{}\"><xsd:complexType><xsd:sequence>",
            op.name
        );
        op.params.iter().for_each(|p| element(o, schema, p));
        o.push_str("</xsd:sequence></xsd:complexType></xsd:element>\n");
        if let Some(r) = &op.ret {
            let _ = write!(
                o,
                "<xsd:element name=\"{}Response\"><xsd:complexType><xsd:sequence>",
                op.name
            );
            element(o, schema, r);
            o.push_str("</xsd:sequence></xsd:complexType></xsd:element>\n");
        }
    }
}

fn messages(o: &mut String, svc: &Service) {
    for op in &svc.ops {
        let n = op.name;
        let _ = writeln!(
            o,
            "<wsdl:message name=\"{n}\"><wsdl:part element=\"tns:{n}\" name=\"parameters\"/>\
             </wsdl:message>"
        );
        match op.ret {
            Some(_) => {
                let _ = writeln!(
                    o,
                    "<wsdl:message name=\"{n}Response\"><wsdl:part element=\"tns:{n}Response\" \
                     name=\"parameters\"/></wsdl:message>"
                );
            }
            None => {
                let _ = writeln!(o, "<wsdl:message name=\"{n}Response\"></wsdl:message>");
            }
        }
    }
    for f in svc.faults {
        let _ = writeln!(
            o,
            "<wsdl:message name=\"{f}\"><wsdl:part element=\"tns:{f}\" name=\"{f}\"/>\
             </wsdl:message>"
        );
    }
}

fn port_type(o: &mut String, svc: &Service) {
    let _ = writeln!(o, "<wsdl:portType name=\"{}PortType\">", svc.name);
    for op in &svc.ops {
        let n = op.name;
        let _ = write!(
            o,
            "<wsdl:operation name=\"{n}\"><wsdl:input message=\"tns:{n}\" name=\"{n}\" \
             wsam:Action=\"urn:{n}\"/><wsdl:output message=\"tns:{n}Response\" \
             name=\"{n}Response\" wsam:Action=\"urn:{n}Response\"/>"
        );
        for f in svc.faults {
            let _ = write!(
                o,
                "<wsdl:fault message=\"tns:{f}\" name=\"{f}\" wsam:Action=\"urn:{n}{f}\"/>"
            );
        }
        o.push_str("</wsdl:operation>\n");
    }
    o.push_str("</wsdl:portType>\n");
}

fn binding(o: &mut String, svc: &Service) {
    let _ = writeln!(
        o,
        "<wsdl:binding name=\"{n}Soap11Binding\" type=\"tns:{n}PortType\"><soap:binding \
         style=\"document\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>",
        n = svc.name
    );
    for op in &svc.ops {
        let n = op.name;
        let _ = write!(
            o,
            "<wsdl:operation name=\"{n}\"><soap:operation soapAction=\"urn:{n}\" \
             style=\"document\"/><wsdl:input name=\"{n}\"><soap:body use=\"literal\"/>\
             </wsdl:input><wsdl:output name=\"{n}Response\"><soap:body use=\"literal\"/>\
             </wsdl:output>"
        );
        for f in svc.faults {
            let _ = write!(
                o,
                "<wsdl:fault name=\"{f}\"><soap:fault name=\"{f}\" use=\"literal\"/></wsdl:fault>"
            );
        }
        o.push_str("</wsdl:operation>\n");
    }
    o.push_str("</wsdl:binding>\n");
}

/// The `GET /webservices/` overview page (like CXF's service list).
pub fn overview(schema: &Schema, base_url: &str) -> String {
    let mut o = String::from(
        "<html><head><title>CXF - Service list</title></head><body>\
         <span class=\"heading\">Available SOAP services:</span><br/><table>",
    );
    for s in schema.services() {
        let mut url = String::new();
        escape_into(&mut url, &format!("{base_url}/webservices/{}", s.name));
        let _ = write!(
            o,
            "<tr><td><span class=\"porttypename\">{}PortType</span><ul>",
            s.name
        );
        for op in &s.ops {
            let _ = write!(o, "<li>{}</li>", op.name);
        }
        let _ = write!(
            o,
            "</ul></td><td><span class=\"field\">Endpoint address:</span> \
             <span class=\"value\">{url}</span><br/><span class=\"field\">WSDL :</span> \
             <a href=\"{url}?wsdl\">{{{}}}{}</a></td></tr>",
            s.tns().uri(),
            s.name
        );
    }
    o.push_str("</table></body></html>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::envelope::parse_document;

    #[test]
    fn every_wsdl_is_well_formed_and_complete() {
        let schema = Schema::load().unwrap();
        for svc in schema.services() {
            let xml = render(&schema, svc, "http://h:1");
            let root = parse_document(&xml).unwrap();
            assert_eq!(root.local, "definitions");
            let port_type = root.child("portType").unwrap();
            assert_eq!(port_type.children.len(), svc.ops.len());
            assert!(xml.contains(&format!("location=\"http://h:1/webservices/{}\"", svc.name)));
        }
    }

    #[test]
    fn reseller_context_wsdl_contains_inherited_type() {
        let schema = Schema::load().unwrap();
        let svc = schema.service("OXResellerContextService").unwrap();
        let xml = render(&schema, svc, "http://h");
        assert!(xml.contains("<xsd:extension base=\"ns4:Context\">"));
        assert!(xml.contains("<xsd:complexType name=\"ResellerAdmin\">"));
        assert!(!xml.contains("<xsd:complexType name=\"Resource\">"));
    }
}
