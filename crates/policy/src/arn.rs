//! ARNs in `Resource`/`NotResource` and in ARN condition operators
//! (UG:reference_policies_elements_resource, UG:reference-arns, POLICY-SPEC A4/A5).
//!
//! An ARN is `arn:partition:service:region:account-id:resource`; the resource part may itself
//! contain `:` and `/`. Matching is case-sensitive and component-wise: a wildcard stays inside
//! its colon-delimited component, except that a pattern whose *last* component ends in `*` lets
//! that `*` run past the remaining colons ("If the `*` wildcard is the last character of a
//! resource ARN segment, it can expand to match beyond colon boundaries"). Policy variables are
//! substituted only in the resource part (UG:reference_policies_variables "Resource element").

use crate::error::PolicyErrorKind;
use crate::glob::{Case, Pattern, Syntax};
use crate::variables::Vars;

/// Partitions IAM accepts (UG:reference-arns).
const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// Resource-type prefixes IAM accepts in `arn:…:iam::…:<resource>` (message of A4).
const IAM_RESOURCE_TYPES: &[&str] = &[
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
    "assumed-role/",
];

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Validates one `Resource`/`NotResource` entry with IAM's rules and messages (POLICY-SPEC A4).
pub(crate) fn validate_resource(resource: &str) -> Result<(), PolicyErrorKind> {
    if resource == "*" {
        return Ok(());
    }
    let Some(rest) = resource.strip_prefix("arn:") else {
        return Err(PolicyErrorKind::ResourceNotArn(resource.to_string()));
    };
    let Some((partition, rest)) = rest.split_once(':') else {
        return Err(PolicyErrorKind::ResourceVendor);
    };
    if !PARTITIONS.contains(&partition) && !has_wildcard(partition) {
        return Err(PolicyErrorKind::InvalidPartition {
            partition: partition.to_string(),
            resource: resource.to_string(),
        });
    }
    let Some((service, rest)) = rest.split_once(':') else {
        return Err(PolicyErrorKind::ResourceVendor);
    };
    if service.is_empty() || has_wildcard(service) || service.contains("${") {
        return Err(PolicyErrorKind::ResourceVendor);
    }
    let parts: Vec<&str> = rest.splitn(3, ':').collect();
    if parts.len() < 3 {
        // Fewer than six components. A trailing `*` legitimately covers the rest;
        // anything else with an empty component is what IAM calls a legacy-parsing failure.
        if resource.contains("::") && !resource.ends_with('*') {
            return Err(PolicyErrorKind::LegacyParsing(format!(
                "resource {resource} has fewer than six ARN components"
            )));
        }
        return Ok(());
    }
    let (region, account, res) = (parts[0], parts[1], parts[2]);
    match service {
        "iam" => {
            if !region.is_empty() {
                return Err(PolicyErrorKind::IamResourceRegion(resource.to_string()));
            }
            let first = res.split('/').next().unwrap_or("");
            let typed = IAM_RESOURCE_TYPES.iter().any(|t| res.starts_with(t));
            if !(res == "root" || typed || has_wildcard(first) || first.contains("${")) {
                return Err(PolicyErrorKind::IamResourcePath);
            }
        }
        // Bucket and object ARNs carry neither region nor account; access points, jobs and
        // other account-scoped S3 resources do carry a region (and an account).
        "s3" if !region.is_empty() && account.is_empty() => {
            return Err(PolicyErrorKind::S3ResourceRegion(resource.to_string()));
        }
        _ => {}
    }
    Ok(())
}

/// A requested ARN split into its components once per request, so that every `Resource`
/// pattern of every applicable statement compares components without re-scanning for colons.
/// Components past the fifth colon stay together: the sixth is "the rest".
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArnParts<'a> {
    text: &'a str,
    /// Byte offset where each component starts; component `i` ends one byte before
    /// `starts[i + 1]` (the colon), the last one at the end of `text`.
    starts: [usize; 6],
    /// Number of components, 1 to 6.
    count: usize,
}

impl<'a> ArnParts<'a> {
    pub fn new(text: &'a str) -> ArnParts<'a> {
        let bytes = text.as_bytes();
        let mut starts = [0usize; 6];
        let mut count = 1;
        let mut from = 0;
        while count < 6 {
            match bytes[from..].iter().position(|&b| b == b':') {
                Some(i) => {
                    from += i + 1;
                    starts[count] = from;
                    count += 1;
                }
                None => break,
            }
        }
        ArnParts {
            text,
            starts,
            count,
        }
    }

    /// Component `i` alone (`i` < 5), if the ARN has it.
    fn component(&self, i: usize) -> Option<&'a str> {
        if i >= self.count {
            return None;
        }
        let end = if i + 1 < self.count {
            self.starts[i + 1] - 1
        } else {
            self.text.len()
        };
        Some(&self.text[self.starts[i]..end])
    }

    /// Component `i` and everything after it, if the ARN has that component.
    fn rest(&self, i: usize) -> Option<&'a str> {
        (i < self.count).then(|| &self.text[self.starts[i]..])
    }
}

/// What can be decided about an ARN pattern before walking its components.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// `*`: matches everything.
    Any,
    /// No wildcard and no variable anywhere: component-wise matching is string equality.
    Exact(Box<str>),
    /// The first `skip` components are literal: the ARN must start with them, colons included
    /// (`arn:aws:s3:::`), and matching resumes at component `skip`.
    Prefixed { prefix: Box<str>, skip: usize },
}

/// A compiled ARN pattern: up to six components, the last of which absorbs the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ArnPattern {
    shape: Shape,
    parts: Box<[Pattern]>,
}

impl ArnPattern {
    /// Compiles a `Resource` entry; `variables` enables `${…}` in the resource part only.
    pub fn compile(text: &str, variables: bool) -> ArnPattern {
        ArnPattern::build(text, |i| variables && i == 5)
    }

    /// Compiles an ARN condition value; variables may appear in any component.
    pub fn compile_condition(text: &str, variables: bool) -> ArnPattern {
        ArnPattern::build(text, |_| variables)
    }

    fn build(text: &str, vars_in: impl Fn(usize) -> bool) -> ArnPattern {
        let parts: Box<[Pattern]> = split_components(text)
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                Pattern::parse(
                    part,
                    Syntax {
                        wildcards: true,
                        variables: vars_in(i),
                    },
                )
            })
            .collect();
        ArnPattern {
            shape: Shape::of(&parts),
            parts,
        }
    }

    /// Component-wise, case-sensitive match of a whole ARN. Allocation-free.
    pub fn matches(&self, arn: &str, vars: &dyn Vars) -> bool {
        self.matches_parts(&ArnParts::new(arn), vars)
    }

    /// [`Self::matches`] against an ARN already split into components.
    #[inline(always)]
    pub fn matches_parts(&self, arn: &ArnParts<'_>, vars: &dyn Vars) -> bool {
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(text) => arn.text.as_bytes() == text.as_bytes(),
            Shape::Prefixed { prefix, skip } => {
                arn.text.as_bytes().starts_with(prefix.as_bytes())
                    && self.matches_from(*skip, arn, vars)
            }
        }
    }

    /// The component walk, from component `skip` on.
    fn matches_from(&self, skip: usize, arn: &ArnParts<'_>, vars: &dyn Vars) -> bool {
        let n = self.parts.len();
        for (i, part) in self.parts.iter().enumerate().skip(skip) {
            if i + 1 == n && (i == 5 || part.ends_with_star()) {
                return arn
                    .rest(i)
                    .is_some_and(|r| part.matches(r, Case::Sensitive, vars));
            }
            match arn.component(i) {
                Some(c) if part.matches(c, Case::Sensitive, vars) => {}
                _ => return false,
            }
        }
        arn.count == n
    }
}

impl Shape {
    /// A component pattern that is plain text without a colon can be compared as a prefix of
    /// the ARN. (A colon can only sit inside a literal component when it came from an invalid
    /// `${…}` that stayed text; such a component never equals a colon-free ARN component, so it
    /// must go through the component walk.)
    fn of(parts: &[Pattern]) -> Shape {
        if let [only] = parts {
            if only.is_star() {
                return Shape::Any;
            }
        }
        let n = parts.len();
        let exact = parts.iter().enumerate().all(|(i, p)| match p.literal() {
            Some(l) => i == 5 || !l.contains(':'),
            None => false,
        });
        if exact {
            let texts: Vec<&str> = parts.iter().filter_map(Pattern::literal).collect();
            return Shape::Exact(texts.join(":").into());
        }
        // Leading literal components, never the last one (it may absorb the rest).
        let skip = parts[..n - 1]
            .iter()
            .take_while(|p| p.literal().is_some_and(|l| !l.contains(':')))
            .count();
        let mut prefix = String::new();
        for p in &parts[..skip] {
            prefix.push_str(p.literal().unwrap_or_default());
            prefix.push(':');
        }
        Shape::Prefixed {
            prefix: prefix.into(),
            skip,
        }
    }
}

/// Splits an ARN pattern into at most six components at colons that are not inside `${…}`
/// (variables such as `${aws:PrincipalAccount}` contain a colon themselves).
fn split_components(text: &str) -> Vec<&str> {
    let mut parts = Vec::with_capacity(6);
    let mut start = 0;
    let mut in_var = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && parts.len() < 5 {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => in_var = true,
            b'}' => in_var = false,
            b':' if !in_var => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variables::NoVars;

    #[test]
    fn resource_validation_messages_policy_spec_a4() {
        let table: &[(&str, Option<&str>)] = &[
            ("*", None),
            ("arn:aws:s3:::example_bucket", None),
            ("arn:aws:s3:::example_bucket/*", None),
            ("arn:aws:iam::123456789012:user/Bob", None),
            ("arn:aws:iam::123456789012:root", None),
            ("arn:aws:iam::*:role/*", None),
            ("arn:aws:ec2:*:*:instance/*", None),
            ("arn:aws:fakeservice:us-east-1:123456789012:thing/x", None),
            ("arn:aws:s3:us-east-1:123456789012:accesspoint/ap", None),
            ("arn:aws:s3:*", None),
            ("s3:example_bucket", Some("Resource s3:example_bucket must be in ARN format or \"*\".")),
            ("arn:fake:s3:::b", Some("Partition \"fake\" is not valid for resource \"arn:fake:s3:::b\".")),
            ("arn:aws", Some("Resource vendor must be fully qualified and cannot contain regexes.")),
            ("arn:aws:s3", Some("Resource vendor must be fully qualified and cannot contain regexes.")),
            ("arn:aws:*:::b", Some("Resource vendor must be fully qualified and cannot contain regexes.")),
            ("arn:aws:iam:us-east-1::user/x", Some("IAM resource arn:aws:iam:us-east-1::user/x cannot contain region information.")),
            ("arn:aws:s3:us-east-1::b", Some("Resource arn:aws:s3:us-east-1::b can not contain region information.")),
            ("arn:aws:iam::123456789012:thing/x", Some("IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.")),
            ("arn:aws:s3::b", Some("The policy failed legacy parsing")),
        ];
        for (r, want) in table {
            let got = validate_resource(r)
                .err()
                .map(|k| crate::error::PolicyError::new(k).to_string());
            assert_eq!(got.as_deref(), *want, "{r}");
        }
    }

    fn m(p: &str, arn: &str) -> bool {
        ArnPattern::compile(p, true).matches(arn, &NoVars)
    }

    #[test]
    fn s3_star_test_star_reference_policies_elements_resource() {
        // UG:reference_policies_elements_resource: "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*"
        let p = "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*";
        let matching = [
            "amzn-s3-demo-bucket/1/test/object.jpg",
            "amzn-s3-demo-bucket/1/2/test/object.jpg",
            "amzn-s3-demo-bucket/1/2/test/3/object.jpg",
            "amzn-s3-demo-bucket/1/2/3/test/4/object.jpg",
            "amzn-s3-demo-bucket/1///test///object.jpg",
            "amzn-s3-demo-bucket/1/test/.jpg",
            "amzn-s3-demo-bucket//test/object.jpg",
            "amzn-s3-demo-bucket/1/test/",
        ];
        let not_matching = [
            "amzn-s3-demo-bucket/1-test/object.jpg",
            "amzn-s3-demo-bucket/test/object.jpg",
            "amzn-s3-demo-bucket/1/2/test.jpg",
        ];
        for k in matching {
            assert!(m(p, &format!("arn:aws:s3:::{k}")), "{k}");
        }
        for k in not_matching {
            assert!(!m(p, &format!("arn:aws:s3:::{k}")), "{k}");
        }
    }

    #[test]
    fn component_wise_matching_policy_spec_a4_a5() {
        let table = [
            ("*", "arn:aws:s3:::b", true),
            ("*", "not-an-arn", true),
            ("arn:aws:s3:::b", "arn:aws:s3:::b", true),
            ("arn:aws:s3:::b", "arn:aws:s3:::B", false),
            ("arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:user/bob", false),
            ("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true),
            ("arn:aws:ec2:us-*:*:instance/*", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", false),
            // ArnLike vs StringLike (UG:reference_policies_elements_condition_operators): ArnLike is false.
            ("arn:aws:someservice:*:111122223333:finance/*", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt", false),
            ("arn:aws:s3:*", "arn:aws:s3:::bucket/key:with:colons", true),
            ("arn:aws:s3:::b*", "arn:aws:s3:::bucket/key:with:colons", true),
            ("arn:aws:sqs:us-east-1:1:q:x", "arn:aws:sqs:us-east-1:1:q:x", true),
            ("arn:aws:sqs:us-east-1:1", "arn:aws:sqs:us-east-1:1:q", false),
            ("arn:aws:s3:::b", "arn:aws:s3:::b:extra", false),
        ];
        for (p, arn, want) in table {
            assert_eq!(m(p, arn), want, "{p} vs {arn}");
        }
    }

    #[test]
    fn shapes_agree_with_the_component_walk() {
        let ctx = crate::Context::new().with("aws:username", "alice");
        let patterns = [
            "*",
            "",
            "arn",
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b*",
            "arn:aws:s3:*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::${aws:username}/*",
            "arn:aws:s3:::home/${aws:username}",
            "arn:aws:sqs:us-east-1:1:q:x",
            "arn:aws:sqs:us-east-1:1",
            "arn:aws:sqs:*:1:q",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:s3:::${a b:c}/x",
            "arn:aws:s3:${a b:c}:x:y",
            "arn:*:s3:::b",
            "arn:aws:iam::111122223333:user/*",
            "a:b:c:d:e:f:g",
            "a:b:c:d:e:*",
            "a:b:c:d:e",
            "arn:aws:s3:::b?",
            "${aws:username}",
        ];
        let arns = [
            "*",
            "",
            "arn",
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/x",
            "arn:aws:s3:::b:x:y",
            "arn:aws:s3:::alice/x",
            "arn:aws:s3:::home/alice",
            "arn:aws:sqs:us-east-1:1:q:x",
            "arn:aws:sqs:us-east-1:1",
            "arn:aws:sqs:us-east-1:1:q",
            "arn:aws:sqs:eu:1:q",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
            "arn:aws:s3:::${a b:c}/x",
            "arn:aws:s3:${a b:c}:x:y",
            "arn:aws-cn:s3:::b",
            "arn:aws:iam::111122223333:user/bob",
            "a:b:c:d:e:f:g",
            "a:b:c:d:e:f",
            "a:b:c:d:e",
            "a:b:c:d",
            "arn:aws:s3:::bé",
            "alice",
        ];
        // The component walk as first written, splitting the ARN as it goes.
        fn walk(parts: &[Pattern], arn: &str, vars: &dyn Vars) -> bool {
            let mut rest = Some(arn);
            let n = parts.len();
            for (i, part) in parts.iter().enumerate() {
                let Some(r) = rest else { return false };
                if i + 1 == n && (i == 5 || part.ends_with_star()) {
                    return part.matches(r, Case::Sensitive, vars);
                }
                let (component, next) = match r.split_once(':') {
                    Some((c, n)) => (c, Some(n)),
                    None => (r, None),
                };
                if !part.matches(component, Case::Sensitive, vars) {
                    return false;
                }
                rest = next;
            }
            rest.is_none()
        }
        for p in patterns {
            let shaped = ArnPattern::compile(p, true);
            for a in arns {
                let want = walk(&shaped.parts, a, &ctx);
                assert_eq!(shaped.matches(a, &ctx), want, "{p} vs {a}");
            }
        }
    }
}
