//! The request mixes the benchmarks standardise on (issue: benchmarks).

use std::fmt;

/// One scenario: what each iteration of a connection sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    GetCallerIdentity,
    GetUser,
    ListUsers,
    /// A durable write and its undo: CreateUser then DeleteUser of a unique name.
    CreateDeleteUser,
    AssumeRole,
    SimulatePrincipalPolicy,
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use clap::ValueEnum;
        match self.to_possible_value() {
            Some(v) => f.write_str(v.get_name()),
            None => f.write_str("?"),
        }
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Scenario {
    /// The (service, form body) pairs of one iteration.
    pub fn requests(
        self,
        conn: usize,
        seq: u64,
        target: Option<&str>,
    ) -> Vec<(&'static str, String)> {
        const IAM: &str = "Version=2010-05-08";
        match self {
            Scenario::GetCallerIdentity => vec![("sts", "Action=GetCallerIdentity&Version=2011-06-15".into())],
            Scenario::GetUser => {
                vec![("iam", format!("Action=GetUser&UserName={}&{IAM}", enc(target.unwrap_or("loadgen-user"))))]
            }
            Scenario::ListUsers => vec![("iam", format!("Action=ListUsers&MaxItems=100&{IAM}"))],
            Scenario::CreateDeleteUser => {
                let name = format!("lg-{conn}-{seq}");
                vec![
                    ("iam", format!("Action=CreateUser&UserName={name}&{IAM}")),
                    ("iam", format!("Action=DeleteUser&UserName={name}&{IAM}")),
                ]
            }
            Scenario::AssumeRole => vec![(
                "sts",
                format!(
                    "Action=AssumeRole&RoleArn={}&RoleSessionName=lg{conn}x{seq}&Version=2011-06-15",
                    enc(target.unwrap_or("arn:aws:iam::123456789012:role/loadgen"))
                ),
            )],
            Scenario::SimulatePrincipalPolicy => vec![(
                "iam",
                format!(
                    "Action=SimulatePrincipalPolicy&PolicySourceArn={}&ActionNames.member.1=iam%3AGetUser&ActionNames.member.2=s3%3AGetObject&{IAM}",
                    enc(target.unwrap_or("arn:aws:iam::123456789012:user/loadgen-user"))
                ),
            )],
        }
    }
}
