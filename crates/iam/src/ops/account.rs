//! The account: GetAccountSummary, CreateAccountAlias, DeleteAccountAlias, ListAccountAliases, GetAccountAuthorizationDetails.

use crate::family;

family!();
