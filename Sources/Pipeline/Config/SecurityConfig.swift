import Storage

/// An environment's security settings in `lake.yaml`: what its bucket and key must look like.
/// Pure data; `Lake.applyPipeline` makes the bucket, its KMS key and its roles match.
///
/// ```yaml
/// environments:
///   prod:
///     bucket: retail-prod-data
///     database: retail_prod
///     encryption: { kmsKey: alias/retail-prod, bucketKey: true, keyPolicy: environment }
///     tlsOnly: true
///     blockPublicAccess: true
/// ```
/// A setting left out is left alone: the bucket keeps whatever it has.
public struct EnvironmentSecurity: Sendable, Equatable {
    /// SSE-KMS with a customer managed key, or nil to leave the bucket's default encryption alone.
    public var encryption: KMSEncryptionConfig?
    /// Deny every request that does not arrive over TLS (`aws:SecureTransport` false).
    public var tlsOnly: Bool?
    /// All four Block Public Access settings on (true) or off (false); nil leaves them alone.
    public var blockPublicAccess: Bool?

    /// Nothing declared.
    public init(encryption: KMSEncryptionConfig? = nil, tlsOnly: Bool? = nil, blockPublicAccess: Bool? = nil) {
        self.encryption = encryption
        self.tlsOnly = tlsOnly
        self.blockPublicAccess = blockPublicAccess
    }
}

/// Bucket default encryption with a customer managed KMS key, created (with rotation) when the
/// alias does not exist yet.
public struct KMSEncryptionConfig: Sendable, Equatable {
    /// The key's alias, `alias/NAME`.
    public var kmsKey: String
    /// S3 Bucket Keys: one KMS call per bucket and hour instead of per object.
    public var bucketKey: Bool
    /// Who the key policy lets use the key; nil leaves the policy of an existing key alone (a
    /// new key gets KMS's default policy).
    public var keyPolicy: KeyPolicyMode?
    /// The line of the setting in `lake.yaml`.
    public var line: Int

    /// Creates the setting.
    public init(kmsKey: String, bucketKey: Bool = false, keyPolicy: KeyPolicyMode? = nil, line: Int = 0) {
        self.kmsKey = kmsKey
        self.bucketKey = bucketKey
        self.keyPolicy = keyPolicy
        self.line = line
    }
}

/// The key policy an environment's key gets.
public enum KeyPolicyMode: String, Sendable, Equatable, CaseIterable {
    /// KMS's default policy: the account may do everything, so IAM policies decide who uses it.
    case account
    /// The account administers the key (through IAM), but only the account's root user (Tarn's
    /// own in-process workers) and this environment's roles may encrypt or decrypt with it: no
    /// IAM policy can give another environment's role the use of it.
    case environment
}

/// A role declared once and created in every environment as `<env>-<role>`, with an inline
/// policy scoped to that environment's bucket (zone prefixes) and key.
///
/// ```yaml
/// roles:
///   etl:    { read: [raw], write: [cleansed, quarantine, manifests], delete: [cleansed] }
///   ingest: { write: [raw] }
/// ```
public struct RoleConfig: Sendable, Equatable {
    /// The role's name without the environment (`etl`).
    public var name: String
    /// Shown by `aws iam get-role`.
    public var description: String?
    /// Zones it may list and read (`s3:ListBucket` on the prefix, `s3:GetObject`).
    public var read: [String]
    /// Zones it may write (`s3:PutObject`, multipart uploads).
    public var write: [String]
    /// Zones it may delete from (`s3:DeleteObject`).
    public var delete: [String]
    /// The line of the role in `lake.yaml`.
    public var line: Int

    /// Creates a role.
    public init(name: String, description: String? = nil, read: [String] = [], write: [String] = [], delete: [String] = [], line: Int = 0) {
        self.name = name
        self.description = description
        self.read = read
        self.write = write
        self.delete = delete
        self.line = line
    }

    /// Whether it touches objects at all (and so needs the environment's key).
    public var usesData: Bool { !read.isEmpty || !write.isEmpty || !delete.isEmpty }
}

/// Lifecycle rules per zone, the same in every environment's bucket. When declared, `lake.yaml`
/// owns the bucket's whole lifecycle configuration (as PutBucketLifecycleConfiguration replaces
/// the whole document).
///
/// ```yaml
/// lifecycle:
///   abortIncompleteMultipartUploadDays: 7
///   zones:
///     raw:
///       transitions: [{ days: 180, storageClass: STANDARD_IA }, { days: 730, storageClass: GLACIER }]
///       expireDays: 1825
/// ```
public struct LifecycleConfig: Sendable, Equatable {
    /// Abort incomplete multipart uploads (anywhere in the bucket) after this many days.
    public var abortIncompleteMultipartUploadDays: Int?
    /// Rules by zone, in file order.
    public var zones: [ZoneLifecycle]

    /// Creates the setting.
    public init(abortIncompleteMultipartUploadDays: Int? = nil, zones: [ZoneLifecycle] = []) {
        self.abortIncompleteMultipartUploadDays = abortIncompleteMultipartUploadDays
        self.zones = zones
    }

    /// The bucket lifecycle configuration these rules make: one rule per zone (ID `zone-NAME`,
    /// filter the zone's prefix) and one abort rule (ID `abort-incomplete-uploads`).
    public func configuration(zones prefixes: ZoneConfig) -> LifecycleConfiguration {
        var rules: [LifecycleRule] = []
        for zone in zones {
            guard let prefix = prefixes.all.first(where: { $0.name == zone.zone })?.prefix else { continue }
            rules.append(
                LifecycleRule(
                    id: "zone-" + zone.zone, filter: LifecycleFilter(prefix: prefix),
                    transitions: zone.transitions.map { LifecycleTransition(timing: .days($0.days), storageClass: $0.storageClass) },
                    expiration: zone.expireDays.map { LifecycleExpiration(timing: .days($0)) }))
        }
        if let days = abortIncompleteMultipartUploadDays {
            rules.append(LifecycleRule(id: "abort-incomplete-uploads", filter: LifecycleFilter(prefix: ""), abortIncompleteMultipartUploadDays: days))
        }
        return LifecycleConfiguration(rules: rules)
    }
}

/// One zone's lifecycle: storage class transitions and an expiration, days after creation.
public struct ZoneLifecycle: Sendable, Equatable {
    /// The zone's name (`raw`, `cleansed`, …).
    public var zone: String
    /// Transitions, by age.
    public var transitions: [(days: Int, storageClass: StorageClass)]
    /// Delete objects this many days after creation.
    public var expireDays: Int?

    /// Creates a zone's rules.
    public init(zone: String, transitions: [(days: Int, storageClass: StorageClass)] = [], expireDays: Int? = nil) {
        self.zone = zone
        self.transitions = transitions
        self.expireDays = expireDays
    }

    public static func == (a: ZoneLifecycle, b: ZoneLifecycle) -> Bool {
        a.zone == b.zone && a.expireDays == b.expireDays && a.transitions.map(\.days) == b.transitions.map(\.days)
            && a.transitions.map(\.storageClass) == b.transitions.map(\.storageClass)
    }
}
