import Foundation
import TarnCore
import Testing

@testable import Access

private let account = "000000000000"
private let alice = Principal.user("alice", accountID: account)
private let bob = Principal.user("bob", accountID: account)
private let etl = Principal.assumedRole("etl", session: "job-1", accountID: account)
private let rootUser = Principal.root(accountID: account)

private func identity(_ json: String, _ source: String = "identity") throws -> NamedPolicy {
    NamedPolicy(source: source, document: try PolicyDocument(json: json, kind: .identity))
}

private func resource(_ json: String) throws -> NamedPolicy {
    NamedPolicy(source: "bucket policy", document: try PolicyDocument(json: json, kind: .resource))
}

/// One evaluation case: who, what, on which resource, in what context, under which policies.
struct PolicyCase: CustomStringConvertible, Sendable {
    var name: String
    var principal: Principal
    var action: String
    var resource: String
    var context: [String: [String]] = [:]
    var identity: [String] = []
    var bucketPolicy: String? = nil
    var mode: PolicyEvaluator.Mode = .standard
    var expected: AuthorizationDecision.Effect
    var description: String { name }
}

private let readRaw = #"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::raw","arn:aws:s3:::raw/*"]}]}"#
private let denyInsecure = #"{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::raw","arn:aws:s3:::raw/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#

let policyCases: [PolicyCase] = [
    PolicyCase(name: "no policy: default deny", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", expected: .implicitDeny),
    PolicyCase(name: "root without policies", principal: rootUser, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", expected: .allow),
    PolicyCase(name: "identity allow", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", identity: [readRaw], expected: .allow),
    PolicyCase(name: "identity allow wrong bucket", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::prod/a", identity: [readRaw], expected: .implicitDeny),
    PolicyCase(name: "identity allow wrong action", principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::raw/a", identity: [readRaw], expected: .implicitDeny),
    PolicyCase(name: "action case-insensitive", principal: alice, action: "S3:GETOBJECT", resource: "arn:aws:s3:::raw/a", identity: [readRaw], expected: .allow),
    PolicyCase(name: "action wildcard", principal: alice, action: "s3:GetObjectTagging", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#], expected: .allow),
    PolicyCase(name: "action ? wildcard", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:?etObject","Resource":"*"}}"#], expected: .allow),
    PolicyCase(name: "resource wildcard in middle", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/sales/2026/x.csv",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::raw/sales/*/x.csv"}}"#], expected: .allow),
    PolicyCase(name: "resource case-sensitive", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/Sales/x",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::raw/sales/*"}}"#], expected: .implicitDeny),
    PolicyCase(name: "NotAction allows others", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"*"}}"#], expected: .allow),
    PolicyCase(name: "NotAction excludes listed", principal: alice, action: "s3:DeleteObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"*"}}"#], expected: .implicitDeny),
    PolicyCase(name: "NotResource", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::prod/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::prod/*"}}"#], expected: .implicitDeny),
    PolicyCase(name: "explicit deny wins over allow", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               identity: [readRaw, #"{"Statement":{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::raw/a"}}"#], expected: .explicitDeny),
    PolicyCase(name: "deny applies to root via bucket policy", principal: rootUser, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               context: ["aws:SecureTransport": ["false"]], bucketPolicy: denyInsecure, expected: .explicitDeny),
    PolicyCase(name: "TLS-only policy lets https through", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               context: ["aws:SecureTransport": ["true"]], identity: [readRaw], bucketPolicy: denyInsecure, expected: .allow),
    PolicyCase(name: "TLS-only policy denies http", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               context: ["aws:SecureTransport": ["false"]], identity: [readRaw], bucketPolicy: denyInsecure, expected: .explicitDeny),
    PolicyCase(name: "bucket policy allows user directly", principal: bob, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::raw/*"}]}"#,
               expected: .allow),
    PolicyCase(name: "bucket policy for another user", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::raw/*"}]}"#,
               expected: .implicitDeny),
    PolicyCase(name: "account principal does not grant users", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::raw/*"}]}"#,
               expected: .implicitDeny),
    PolicyCase(name: "role principal matches sessions", principal: etl, action: "s3:PutObject", resource: "arn:aws:s3:::raw/a",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:role/etl"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::raw/*"}]}"#,
               expected: .allow),
    PolicyCase(name: "NotPrincipal deny spares listed", principal: etl, action: "s3:DeleteObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#],
               bucketPolicy: #"{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::000000000000:role/etl"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::raw/*"}]}"#,
               expected: .allow),
    PolicyCase(name: "NotPrincipal deny hits others", principal: alice, action: "s3:DeleteObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#],
               bucketPolicy: #"{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::000000000000:role/etl"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::raw/*"}]}"#,
               expected: .explicitDeny),
    PolicyCase(name: "anonymous with public policy", principal: .anonymous, action: "s3:GetObject", resource: "arn:aws:s3:::pub/a",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}]}"#, expected: .allow),
    PolicyCase(name: "anonymous ignores identity policies", principal: .anonymous, action: "s3:GetObject", resource: "arn:aws:s3:::pub/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#], expected: .implicitDeny),
    PolicyCase(name: "StringLike s3:prefix allows home", principal: alice, action: "s3:ListBucket", resource: "arn:aws:s3:::raw",
               context: ["s3:prefix": ["home/alice/x"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::raw","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}}"#],
               expected: .allow),
    PolicyCase(name: "StringLike s3:prefix denies others' home", principal: alice, action: "s3:ListBucket", resource: "arn:aws:s3:::raw",
               context: ["s3:prefix": ["home/bob/x"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::raw","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}}"#],
               expected: .implicitDeny),
    PolicyCase(name: "policy variable in resource", principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::raw/home/alice/f",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::raw/home/${aws:username}/*"}}"#], expected: .allow),
    PolicyCase(name: "policy variable in resource, other user", principal: bob, action: "s3:PutObject", resource: "arn:aws:s3:::raw/home/alice/f",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::raw/home/${aws:username}/*"}}"#], expected: .implicitDeny),
    PolicyCase(name: "StringEquals match", principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::raw/a", context: ["s3:x-amz-server-side-encryption": ["aws:kms"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}}"#], expected: .allow),
    PolicyCase(name: "StringEquals mismatch", principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::raw/a", context: ["s3:x-amz-server-side-encryption": ["AES256"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "StringEquals missing key", principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "StringNotEquals deny when missing (require encryption header)", principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::raw/a",
               identity: [readRaw, #"{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}"#],
               expected: .explicitDeny),
    PolicyCase(name: "IfExists: a missing key makes the condition true", principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}"#],
               expected: .allow),
    PolicyCase(name: "IfExists: a present key is compared", principal: alice, action: "s3:PutObject", resource: "arn:aws:s3:::raw/a",
               context: ["s3:x-amz-server-side-encryption": ["AES256"]],
               identity: [#"{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}"#],
               expected: .implicitDeny),
    PolicyCase(name: "StringEqualsIgnoreCase", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:UserAgent": ["Boto3/1.35"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:UserAgent":"boto3/1.35"}}}}"#], expected: .allow),
    PolicyCase(name: "IpAddress inside range", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:SourceIp": ["10.1.2.3"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#], expected: .allow),
    PolicyCase(name: "IpAddress outside range", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:SourceIp": ["192.168.1.1"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","172.16.0.0/12"]}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "NotIpAddress deny outside office", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:SourceIp": ["8.8.8.8"]],
               identity: [readRaw, #"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}}"#], expected: .explicitDeny),
    PolicyCase(name: "NotIpAddress lets office in", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:SourceIp": ["127.0.0.1"]],
               identity: [readRaw, #"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}}"#], expected: .allow),
    PolicyCase(name: "IPv6 range", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:SourceIp": ["2001:db8::7"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}}}"#], expected: .allow),
    PolicyCase(name: "DateLessThan before", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:CurrentTime": ["2026-01-15T00:00:00Z"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-02-01T00:00:00Z"}}}}"#], expected: .allow),
    PolicyCase(name: "DateLessThan after", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:CurrentTime": ["2026-03-01T00:00:00Z"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-02-01T00:00:00Z"}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "DateGreaterThan with epoch", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:EpochTime": ["1800000000"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:EpochTime":"2026-01-01"}}}}"#], expected: .allow),
    PolicyCase(name: "NumericLessThanEquals max-keys", principal: alice, action: "s3:ListBucket", resource: "arn:aws:s3:::raw", context: ["s3:max-keys": ["10"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}}"#], expected: .allow),
    PolicyCase(name: "NumericLessThanEquals max-keys exceeded", principal: alice, action: "s3:ListBucket", resource: "arn:aws:s3:::raw", context: ["s3:max-keys": ["11"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":10}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "Bool true", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:SecureTransport": ["true"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true}}}}"#], expected: .allow),
    PolicyCase(name: "Null true requires absence", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true"}}}}"#], expected: .allow),
    PolicyCase(name: "Null false requires presence", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"false"}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "ArnLike principal arn", principal: etl, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/etl"}}}}"#], expected: .allow),
    PolicyCase(name: "ForAllValues with all allowed", principal: alice, action: "kms:Decrypt", resource: "*", context: ["kms:EncryptionContextKeys": ["dept", "zone"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["dept","zone","app"]}}}}"#], expected: .allow),
    PolicyCase(name: "ForAllValues with an extra key", principal: alice, action: "kms:Decrypt", resource: "*", context: ["kms:EncryptionContextKeys": ["dept", "secret"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["dept","zone"]}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "ForAnyValue one match", principal: alice, action: "kms:Decrypt", resource: "*", context: ["kms:EncryptionContextKeys": ["x", "zone"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"zone"}}}}"#], expected: .allow),
    PolicyCase(name: "ForAnyValue missing key", principal: alice, action: "kms:Decrypt", resource: "*",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"zone"}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "kms:EncryptionContext condition", principal: alice, action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:000000000000:key/k",
               context: ["kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::raw/a"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::raw/*"}}}}"#], expected: .allow),
    PolicyCase(name: "two condition keys are ANDed", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a",
               context: ["aws:SecureTransport": ["true"], "aws:SourceIp": ["8.8.8.8"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#], expected: .implicitDeny),
    PolicyCase(name: "condition values are ORed", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:SourceIp": ["172.16.0.9"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","172.16.0.0/12"]}}}}"#], expected: .allow),
    PolicyCase(name: "condition keys are case-insensitive", principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ["aws:securetransport": ["true"]],
               identity: [#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"AWS:SecureTransport":"true"}}}}"#], expected: .allow),
    PolicyCase(name: "key policy allows user directly", principal: alice, action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:000000000000:key/k",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"kms:Decrypt","Resource":"*"}]}"#,
               mode: .keyPolicy, expected: .allow),
    PolicyCase(name: "key policy without IAM delegation ignores identity policies", principal: alice, action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:000000000000:key/k",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}"#],
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/bob"},"Action":"kms:*","Resource":"*"}]}"#,
               mode: .keyPolicy, expected: .implicitDeny),
    PolicyCase(name: "key policy delegating to IAM + identity allow", principal: alice, action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:000000000000:key/k",
               identity: [#"{"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}}"#],
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"}]}"#,
               mode: .keyPolicy, expected: .allow),
    PolicyCase(name: "key policy delegating to IAM, no identity allow", principal: alice, action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:000000000000:key/k",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"}]}"#,
               mode: .keyPolicy, expected: .implicitDeny),
    PolicyCase(name: "root needs the key policy too", principal: rootUser, action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:000000000000:key/k",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/bob"},"Action":"kms:*","Resource":"*"}]}"#,
               mode: .keyPolicy, expected: .implicitDeny),
    PolicyCase(name: "prod key policy denies dev role", principal: Principal.assumedRole("dev-etl", session: "s", accountID: account), action: "kms:Decrypt",
               resource: "arn:aws:kms:us-east-1:000000000000:key/prod", identity: [#"{"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}"#],
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:role/dev-etl"},"Action":"kms:Decrypt","Resource":"*"}]}"#,
               mode: .keyPolicy, expected: .explicitDeny),
    PolicyCase(name: "kms:ViaService condition", principal: alice, action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:000000000000:key/k",
               context: ["kms:ViaService": ["s3.us-east-1.amazonaws.com"]],
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}"#,
               mode: .keyPolicy, expected: .allow),
    PolicyCase(name: "kms:ViaService condition, direct call", principal: alice, action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:000000000000:key/k",
               bucketPolicy: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}"#,
               mode: .keyPolicy, expected: .implicitDeny),
]

@Suite struct PolicyEvaluationTests {
    @Test(arguments: policyCases)
    func evaluate(_ testCase: PolicyCase) throws {
        var context = ConditionContext(testCase.context)
        context.merge(testCase.principal.conditionKeys)
        let request = AuthorizationRequest(principal: testCase.principal, action: testCase.action, resource: testCase.resource, context: context)
        let decision = PolicyEvaluator.evaluate(
            request, identityPolicies: try testCase.identity.enumerated().map { try identity($1, "policy \($0)") },
            resourcePolicy: try testCase.bucketPolicy.map(resource), mode: testCase.mode)
        #expect(decision.effect == testCase.expected, "\(testCase.name): \(decision.reason)")
    }

    @Test func explanationNamesTheDecidingStatements() throws {
        let request = AuthorizationRequest(
            principal: alice, action: "s3:GetObject", resource: "arn:aws:s3:::raw/a", context: ConditionContext(["aws:SecureTransport": ["false"]]))
        let decision = PolicyEvaluator.evaluate(request, identityPolicies: [try identity(readRaw, "user alice: policy ReadRaw")], resourcePolicy: try resource(denyInsecure))
        #expect(decision.effect == .explicitDeny)
        #expect(decision.reason.contains("Deny by bucket policy (statement \"TLSOnly\")"))
        #expect(decision.matches.contains { $0.source == "user alice: policy ReadRaw" && $0.effect == "Allow" })
    }

    @Test(arguments: [
        (#"not json"#, PolicyDocument.Kind.identity),
        (#"{"Statement":[]}"#, .identity),
        (#"{"Statement":{"Effect":"Maybe","Action":"s3:*","Resource":"*"}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*"}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, .resource),
        (#"{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300/8"}}}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}}"#, .identity),
        (#"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, .identity),
        (#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:*","Resource":"*"}}"#, .resource),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":1}}"#, .identity),
    ])
    func malformedPoliciesAreRejected(_ text: String, _ kind: PolicyDocument.Kind) {
        #expect(throws: TarnError.self) { _ = try PolicyDocument(json: text, kind: kind) }
    }

    @Test func publicPolicies() throws {
        let open = try PolicyDocument(json: #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#, kind: .resource)
        let restricted = try PolicyDocument(
            json: #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#,
            kind: .resource)
        let denyOnly = try PolicyDocument(json: denyInsecure, kind: .resource)
        #expect(open.isPublic && !restricted.isPublic && !denyOnly.isPublic)
    }

    @Test func wildcardPatterns() {
        #expect(WildcardPattern("a*b*c").matches("aXXbYYc"))
        #expect(!WildcardPattern("a*b*c").matches("aXXbYY"))
        #expect(WildcardPattern("*").matches(""))
        #expect(WildcardPattern("a?c").matches("aéc"))
        #expect(!WildcardPattern("a?c").matches("ac"))
        #expect(WildcardPattern("S3:GET*", caseInsensitive: true).matches("s3:getobject"))
        #expect(WildcardPattern(String(repeating: "*a", count: 30)).matches(String(repeating: "a", count: 40)) == true)
        #expect(!WildcardPattern(String(repeating: "*a", count: 30) + "b").matches(String(repeating: "a", count: 200)))
    }

    @Test func principalsFromARNs() {
        #expect(Principal(arn: "arn:aws:iam::000000000000:root") == rootUser)
        #expect(Principal(arn: "arn:aws:iam::000000000000:user/alice") == alice)
        #expect(Principal(arn: "arn:aws:sts::000000000000:assumed-role/etl/job-1") == etl)
        #expect(etl.roleARN == "arn:aws:iam::000000000000:role/etl")
        #expect(Principal(arn: "arn:aws:s3:::bucket") == nil)
    }
}
