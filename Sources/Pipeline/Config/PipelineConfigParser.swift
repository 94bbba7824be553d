import Foundation
import Jobs
import SQLParser
import Storage
import TarnCore
import Yams

/// Parses and checks a `lake.yaml`; see `examples/retail/lake.yaml` for the format.
///
/// Everything is checked before anything is applied: YAML syntax, unknown or misspelt settings,
/// bucket and database names, zone prefixes, every table's job (types, rules, patterns,
/// derivations, partition keys, dedupe keys, cron schedules — the job runner's own validation),
/// mart SQL (parsed), mart dependencies (known names, no cycles). All mistakes are reported
/// together, each with its line.
public enum PipelineConfigParser {
    /// Parses `text`.
    /// - Parameter source: the file name used in messages.
    /// - Throws: `ConfigErrors` listing every problem found.
    public static func parse(_ text: String, source: String) throws -> PipelineConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigErrors(source: source, issues: [syntaxIssue(error)])
        }
        guard let root else { throw ConfigErrors(source: source, issues: [ConfigIssue(line: 1, path: "", message: "the file is empty")]) }
        let reader = YAMLReader()
        let config = read(root, reader)
        if !reader.issues.isEmpty { throw ConfigErrors(source: source, issues: reader.issues) }
        return config
    }

    /// Reads a file and parses it.
    public static func load(path: String) throws -> PipelineConfig {
        guard FileSystem.exists(path) else { throw TarnError(.notFound, "no such file: \(path)") }
        return try parse(String(decoding: try FileSystem.readFile(path), as: UTF8.self), source: path)
    }

    static func syntaxIssue(_ error: YamlError) -> ConfigIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigIssue(line: mark.line, path: "", message: "YAML syntax: \(problem)")
        default:
            return ConfigIssue(line: 0, path: "", message: "YAML: \(error)")
        }
    }

    static let topKeys: Set<String> = ["version", "environments", "zones", "tables", "marts", "roles", "lifecycle"]
    static let environmentKeys: Set<String> = ["bucket", "database", "encryption", "tlsOnly", "blockPublicAccess"]
    static let tableKeys: Set<String> = [
        "description", "format", "compression", "csv", "source", "columns", "partitionKeys", "dedupe", "triggers", "output",
    ]
    static let martKeys: Set<String> = ["description", "dependsOn", "partitionedBy", "refresh", "sql"]

    static func read(_ root: Node, _ r: YAMLReader) -> PipelineConfig {
        r.checkKeys(root, "", allowed: topKeys)
        let top = Dictionary(r.mapping(root, "").map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        if let version = top["version"], version.int != 1 { r.fail(version, "version", "only version 1 is known") }

        var environments: [EnvironmentConfig] = []
        if top["environments"] == nil { r.fail(root, "environments", "at least one environment is required") }
        for entry in r.mapping(top["environments"], "environments") {
            let path = "environments." + entry.key
            r.checkKeys(entry.value, path, allowed: environmentKeys)
            let fields = Dictionary(r.mapping(entry.value, path).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            if !entry.key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) || entry.key.isEmpty {
                r.fail(entry.keyNode, path, "environment names are letters, digits, '-' and '_'")
            }
            guard let bucket = r.string(fields["bucket"], path + ".bucket"), let database = r.string(fields["database"], path + ".database") else {
                r.fail(entry.value, path, "an environment needs a bucket and a database")
                continue
            }
            do { try BucketName.validate(bucket) } catch { r.fail(fields["bucket"], path + ".bucket", "'\(bucket)' is not a valid bucket name: \(error)") }
            if !isIdentifier(database) { r.fail(fields["database"], path + ".database", "'\(database)' is not a valid database name (lower-case letters, digits, '_')") }
            environments.append(EnvironmentConfig(name: entry.key, bucket: bucket, database: database, security: readSecurity(fields, path, r)))
        }
        for (index, environment) in environments.enumerated() {
            if environments[..<index].contains(where: { $0.bucket == environment.bucket }) {
                r.fail(line: 0, "environments.\(environment.name).bucket", "bucket \(environment.bucket) is used by two environments")
            }
            if environments[..<index].contains(where: { $0.database == environment.database }) {
                r.fail(line: 0, "environments.\(environment.name).database", "database \(environment.database) is used by two environments")
            }
        }

        var zones = ZoneConfig()
        if let node = top["zones"] {
            r.checkKeys(node, "zones", allowed: Set(ZoneConfig().all.map(\.name)))
            for entry in r.mapping(node, "zones") {
                guard var prefix = r.string(entry.value, "zones." + entry.key) else { continue }
                if prefix.isEmpty || prefix.hasPrefix("/") {
                    r.fail(entry.value, "zones." + entry.key, "a zone is a non-empty key prefix such as 'raw/'")
                    continue
                }
                if !prefix.hasSuffix("/") { prefix += "/" }
                switch entry.key {
                case "raw": zones.raw = prefix
                case "cleansed": zones.cleansed = prefix
                case "analytics": zones.analytics = prefix
                case "quarantine": zones.quarantine = prefix
                case "manifests": zones.manifests = prefix
                default: break
                }
            }
            let all = zones.all
            for (i, a) in all.enumerated() {
                for b in all[(i + 1)...] where a.prefix.hasPrefix(b.prefix) || b.prefix.hasPrefix(a.prefix) {
                    r.fail(node, "zones", "zones \(a.name) (\(a.prefix)) and \(b.name) (\(b.prefix)) overlap")
                }
            }
        }

        var tables: [TableConfig] = []
        if top["tables"] == nil { r.fail(root, "tables", "at least one table is required") }
        for entry in r.mapping(top["tables"], "tables") {
            if let table = readTable(entry.key, entry.keyNode, entry.value, r) { tables.append(table) }
        }
        var marts: [MartConfig] = []
        for entry in r.mapping(top["marts"], "marts") {
            if let mart = readMart(entry.key, entry.keyNode, entry.value, r) { marts.append(mart) }
        }
        var roles: [RoleConfig] = []
        for entry in r.mapping(top["roles"], "roles") {
            if let role = readRole(entry.key, entry.keyNode, entry.value, zones: zones, r) { roles.append(role) }
        }
        let lifecycle = top["lifecycle"].flatMap { readLifecycle($0, zones: zones, r) }
        let config = PipelineConfig(environments: environments, zones: zones, tables: tables, marts: marts, roles: roles, lifecycle: lifecycle)
        check(config, r)
        checkSecurity(config, r)
        return config
    }

    static func readTable(_ name: String, _ keyNode: Node, _ node: Node, _ r: YAMLReader) -> TableConfig? {
        let path = "tables." + name
        if !isIdentifier(name) { r.fail(keyNode, path, "table names are lower-case letters, digits and '_' starting with a letter") }
        r.checkKeys(node, path, allowed: tableKeys)
        let fields = Dictionary(r.mapping(node, path).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        let line = keyNode.mark?.line ?? 0
        var table = TableConfig(name: name, columns: [], line: line)
        table.description = r.string(fields["description"], path + ".description")
        if let format = r.string(fields["format"], path + ".format") {
            if let parsed = SourceFormat(rawValue: format) { table.format = parsed } else {
                r.fail(fields["format"], path + ".format", "'\(format)' is not one of \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let compression = r.string(fields["compression"], path + ".compression") {
            if let parsed = SourceCompression(rawValue: compression) { table.compression = parsed } else {
                r.fail(
                    fields["compression"], path + ".compression",
                    "'\(compression)' is not one of \(SourceCompression.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let csv = r.decode(CSVSourceOptions.self, fields["csv"], path + ".csv") { table.csv = csv }
        if let source = r.string(fields["source"], path + ".source") {
            if source.isEmpty || source.hasPrefix("/") { r.fail(fields["source"], path + ".source", "a prefix under the raw zone such as 'sales/'") }
            table.sourcePrefix = source.hasSuffix("/") ? source : source + "/"
        }
        guard case .sequence(let columns)? = fields["columns"] else {
            r.fail(fields["columns"] ?? keyNode, path + ".columns", "a table needs a list of columns")
            return nil
        }
        for (index, column) in columns.enumerated() {
            if let decoded = r.decode(JobColumn.self, column, "\(path).columns[\(index)]") { table.columns.append(decoded) }
        }
        table.partitionKeys = r.strings(fields["partitionKeys"], path + ".partitionKeys") ?? []
        if let dedupe = fields["dedupe"] { table.dedupe = r.decode(DedupeSpec.self, dedupe, path + ".dedupe") }
        if let triggers = fields["triggers"], let decoded = r.decode(TriggerSpec.self, triggers, path + ".triggers") { table.triggers = decoded }
        if let output = fields["output"], let decoded = r.decode(OutputOptions.self, output, path + ".output") { table.output = decoded }
        return table
    }

    static func readMart(_ name: String, _ keyNode: Node, _ node: Node, _ r: YAMLReader) -> MartConfig? {
        let path = "marts." + name
        if !isIdentifier(name) { r.fail(keyNode, path, "mart names are lower-case letters, digits and '_' starting with a letter") }
        r.checkKeys(node, path, allowed: martKeys)
        let fields = Dictionary(r.mapping(node, path).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard let sql = r.string(fields["sql"], path + ".sql") else {
            r.fail(keyNode, path + ".sql", "a mart needs its SQL (a SELECT)")
            return nil
        }
        let sqlLine = (fields["sql"]?.mark?.line ?? 0) + (fields["sql"].map { isBlockScalar($0) } == true ? 1 : 0)
        do {
            guard case .query = try SQLParser.parse(sql) else {
                r.fail(line: sqlLine, path + ".sql", "a mart's SQL must be a query (SELECT or WITH … SELECT)")
                return nil
            }
        } catch let error as TarnError {
            // Parser messages start with "line L:C:"; L counts from the SQL's first line.
            let sqlLineNumber = error.message.hasPrefix("line ") ? Int(error.message.dropFirst(5).prefix { $0.isNumber }) ?? 1 : 1
            r.fail(line: sqlLine + max(0, sqlLineNumber - 1), path + ".sql", "SQL: \(error.message)")
        } catch {
            r.fail(line: sqlLine, path + ".sql", "SQL: \(error)")
        }
        let dependsOn = r.strings(fields["dependsOn"], path + ".dependsOn") ?? []
        if dependsOn.isEmpty { r.fail(fields["dependsOn"] ?? keyNode, path + ".dependsOn", "name the tables (or marts) whose updates refresh this mart") }
        var refresh = MartRefreshPolicy.automatic
        if let text = r.string(fields["refresh"], path + ".refresh") {
            if let parsed = MartRefreshPolicy(rawValue: text) { refresh = parsed } else {
                r.fail(fields["refresh"], path + ".refresh", "'\(text)' is not one of \(MartRefreshPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        return MartConfig(
            name: name, description: r.string(fields["description"], path + ".description"), dependsOn: dependsOn,
            partitionedBy: r.strings(fields["partitionedBy"], path + ".partitionedBy") ?? [], sql: sql, refresh: refresh,
            line: keyNode.mark?.line ?? 0)
    }

    /// Cross-checks: every table's job is valid in every environment, names are unique across
    /// tables and marts, dependencies exist and have no cycle.
    static func check(_ config: PipelineConfig, _ r: YAMLReader) {
        for table in config.tables {
            for environment in config.environments.prefix(1) {
                do {
                    _ = try JobPlan(config.job(table, in: environment))
                } catch let error as TarnError {
                    r.fail(line: table.line, "tables." + table.name, error.message)
                } catch {
                    r.fail(line: table.line, "tables." + table.name, "\(error)")
                }
            }
        }
        let tableNames = Set(config.tables.map(\.name))
        for mart in config.marts {
            if tableNames.contains(mart.name) { r.fail(line: mart.line, "marts." + mart.name, "a table has the same name") }
            for dependency in mart.dependsOn where !tableNames.contains(dependency) && !config.marts.contains(where: { $0.name == dependency }) {
                r.fail(line: mart.line, "marts.\(mart.name).dependsOn", "'\(dependency)' is neither a table nor a mart of this file")
            }
        }
        if MartOrder.sorted(config.marts) == nil {
            r.fail(line: config.marts.first?.line ?? 0, "marts", "mart dependencies form a cycle")
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func isBlockScalar(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.style == .literal || scalar.style == .folded }
        return false
    }
}

/// Orders marts so each comes after the marts it reads.
enum MartOrder {
    /// The marts in dependency order, or nil when they form a cycle.
    static func sorted(_ marts: [MartConfig]) -> [MartConfig]? {
        var done: [MartConfig] = [], placed = Set<String>()
        var remaining = marts
        while !remaining.isEmpty {
            let names = Set(remaining.map(\.name))
            guard let index = remaining.firstIndex(where: { mart in mart.dependsOn.allSatisfy { !names.contains($0) || placed.contains($0) } }) else {
                return nil
            }
            let mart = remaining.remove(at: index)
            done.append(mart)
            placed.insert(mart.name)
        }
        return done
    }
}
