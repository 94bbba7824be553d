import Storage
import TarnCore
import Yams

/// The security part of `lake.yaml`: environments' encryption, TLS-only and Block Public Access,
/// the roles, and the lifecycle rules per zone. Lifecycle rules are checked with the object
/// store's own validation, so what S3 would refuse is reported here with its line.
extension PipelineConfigParser {
    static let encryptionKeys: Set<String> = ["kmsKey", "bucketKey", "keyPolicy"]
    static let roleKeys: Set<String> = ["description", "read", "write", "delete"]
    static let lifecycleKeys: Set<String> = ["abortIncompleteMultipartUploadDays", "zones"]
    static let zoneLifecycleKeys: Set<String> = ["transitions", "expireDays"]
    static let transitionKeys: Set<String> = ["days", "storageClass"]

    static func readSecurity(_ fields: [String: Node], _ path: String, _ r: YAMLReader) -> EnvironmentSecurity {
        var security = EnvironmentSecurity()
        security.tlsOnly = r.bool(fields["tlsOnly"], path + ".tlsOnly")
        security.blockPublicAccess = r.bool(fields["blockPublicAccess"], path + ".blockPublicAccess")
        guard let node = fields["encryption"] else { return security }
        let encryptionPath = path + ".encryption"
        r.checkKeys(node, encryptionPath, allowed: encryptionKeys)
        let settings = Dictionary(r.mapping(node, encryptionPath).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard let alias = r.string(settings["kmsKey"], encryptionPath + ".kmsKey") else {
            r.fail(node, encryptionPath + ".kmsKey", "name the environment's KMS key by alias, e.g. kmsKey: alias/retail-dev")
            return security
        }
        if let problem = aliasProblem(alias) { r.fail(settings["kmsKey"], encryptionPath + ".kmsKey", problem) }
        var encryption = KMSEncryptionConfig(kmsKey: alias, bucketKey: r.bool(settings["bucketKey"], encryptionPath + ".bucketKey") ?? false, line: node.mark?.line ?? 0)
        if let mode = r.string(settings["keyPolicy"], encryptionPath + ".keyPolicy") {
            if let parsed = KeyPolicyMode(rawValue: mode) {
                encryption.keyPolicy = parsed
            } else {
                r.fail(settings["keyPolicy"], encryptionPath + ".keyPolicy", "'\(mode)' is not one of \(KeyPolicyMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        security.encryption = encryption
        return security
    }

    /// KMS's alias rules (KMS API Reference, CreateAlias: `alias/` then letters, digits, `/_-`;
    /// `alias/aws/` is reserved for AWS managed keys), or nil when `name` follows them.
    static func aliasProblem(_ name: String) -> String? {
        guard name.hasPrefix("alias/"), name.count > 6, name.utf8.count <= 256 else {
            return "'\(name)' is not a KMS alias: alias/ followed by 1 to 250 letters, digits, '/', '_' or '-'"
        }
        guard !name.hasPrefix("alias/aws/") else { return "alias/aws/ names AWS managed keys; a customer managed key needs another alias" }
        let allowed = name.unicodeScalars.dropFirst(6).allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/_-".unicodeScalars.contains($0)) }
        return allowed ? nil : "'\(name)' may only contain letters, digits, '/', '_' and '-' after alias/"
    }

    static func readRole(_ name: String, _ keyNode: Node, _ node: Node, zones: ZoneConfig, _ r: YAMLReader) -> RoleConfig? {
        let path = "roles." + name
        // The IAM role `<env>-<name>` must stay within IAM's name rules (64 characters of
        // letters, digits and +=,.@_-); lower-case letters, digits and '-' keep it readable.
        let nameOK = !name.isEmpty && name.count <= 40 && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if !nameOK { r.fail(keyNode, path, "role names are up to 40 lower-case letters, digits and '-'") }
        r.checkKeys(node, path, allowed: roleKeys)
        let fields = Dictionary(r.mapping(node, path).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        var role = RoleConfig(name: name, description: r.string(fields["description"], path + ".description"), line: keyNode.mark?.line ?? 0)
        let known = zones.all.map(\.name)
        func zoneList(_ field: String) -> [String] {
            let list = r.strings(fields[field], path + "." + field) ?? []
            for zone in list where !known.contains(zone) {
                r.fail(fields[field], path + "." + field, "'\(zone)' is not a zone; zones are \(known.joined(separator: ", "))")
            }
            return list.filter { known.contains($0) }
        }
        role.read = zoneList("read")
        role.write = zoneList("write")
        role.delete = zoneList("delete")
        if !role.usesData { r.fail(keyNode, path, "a role needs at least one of read, write or delete (zone names)") }
        return role
    }

    static func readLifecycle(_ node: Node, zones: ZoneConfig, _ r: YAMLReader) -> LifecycleConfig? {
        r.checkKeys(node, "lifecycle", allowed: lifecycleKeys)
        let fields = Dictionary(r.mapping(node, "lifecycle").map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        var lifecycle = LifecycleConfig(abortIncompleteMultipartUploadDays: r.int(fields["abortIncompleteMultipartUploadDays"], "lifecycle.abortIncompleteMultipartUploadDays"))
        let known = zones.all.map(\.name)
        for entry in r.mapping(fields["zones"], "lifecycle.zones") {
            let path = "lifecycle.zones." + entry.key
            guard known.contains(entry.key) else {
                r.fail(entry.keyNode, path, "'\(entry.key)' is not a zone; zones are \(known.joined(separator: ", "))")
                continue
            }
            r.checkKeys(entry.value, path, allowed: zoneLifecycleKeys)
            let settings = Dictionary(r.mapping(entry.value, path).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            var zone = ZoneLifecycle(zone: entry.key, expireDays: r.int(settings["expireDays"], path + ".expireDays"))
            if let list = settings["transitions"] {
                guard case .sequence(let items) = list else {
                    r.fail(list, path + ".transitions", "expected a list of { days: N, storageClass: CLASS }")
                    continue
                }
                for (index, item) in items.enumerated() {
                    let itemPath = "\(path).transitions[\(index)]"
                    r.checkKeys(item, itemPath, allowed: transitionKeys)
                    let transition = Dictionary(r.mapping(item, itemPath).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                    guard let days = r.int(transition["days"], itemPath + ".days"), let name = r.string(transition["storageClass"], itemPath + ".storageClass") else {
                        r.fail(item, itemPath, "a transition needs days and storageClass")
                        continue
                    }
                    guard let storageClass = StorageClass(rawValue: name), storageClass != .standard else {
                        let classes = StorageClass.allCases.filter { $0 != .standard }.map(\.rawValue)
                        r.fail(transition["storageClass"], itemPath + ".storageClass", "'\(name)' is not a class to move to: \(classes.joined(separator: ", "))")
                        continue
                    }
                    zone.transitions.append((days, storageClass))
                }
            }
            if zone.transitions.isEmpty && zone.expireDays == nil { r.fail(entry.keyNode, path, "a zone's lifecycle needs transitions or expireDays") }
            lifecycle.zones.append(zone)
        }
        if lifecycle.zones.isEmpty && lifecycle.abortIncompleteMultipartUploadDays == nil {
            r.fail(node, "lifecycle", "declare zones' rules or abortIncompleteMultipartUploadDays (or leave lifecycle out)")
            return nil
        }
        // What PutBucketLifecycleConfiguration would refuse, at the line of the zone it is about.
        for zone in lifecycle.zones where !zone.transitions.isEmpty || zone.expireDays != nil {
            do {
                try LifecycleConfig(zones: [zone]).configuration(zones: zones).validate()
            } catch let error as TarnError {
                let keyNode = r.mapping(fields["zones"], "lifecycle.zones").first { $0.key == zone.zone }?.keyNode
                r.fail(keyNode, "lifecycle.zones." + zone.zone, "S3 would refuse this rule: \(error.message)")
            } catch {
                r.fail(node, "lifecycle.zones." + zone.zone, "\(error)")
            }
        }
        if let days = lifecycle.abortIncompleteMultipartUploadDays {
            do {
                try LifecycleConfig(abortIncompleteMultipartUploadDays: days).configuration(zones: zones).validate()
            } catch let error as TarnError {
                r.fail(fields["abortIncompleteMultipartUploadDays"], "lifecycle.abortIncompleteMultipartUploadDays", "S3 would refuse this rule: \(error.message)")
            } catch {
                r.fail(node, "lifecycle.abortIncompleteMultipartUploadDays", "\(error)")
            }
        }
        return lifecycle
    }

    /// Cross-checks: each environment has its own key, and a key policy that names the
    /// environment's roles has roles to name.
    static func checkSecurity(_ config: PipelineConfig, _ r: YAMLReader) {
        for (index, environment) in config.environments.enumerated() {
            guard let encryption = environment.security.encryption else { continue }
            if let other = config.environments[..<index].first(where: { $0.security.encryption?.kmsKey == encryption.kmsKey }) {
                r.fail(
                    line: encryption.line, "environments.\(environment.name).encryption.kmsKey",
                    "\(encryption.kmsKey) is already the key of environment \(other.name); each environment needs its own key so its key policy can keep the other's roles out")
            }
        }
    }
}
