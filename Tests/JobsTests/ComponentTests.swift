import Columnar
import Foundation
import TarnCore
import TarnTesting
import Testing

@testable import Jobs

/// The pieces of the pipeline on their own: fingerprints, the key set and its file, partition
/// paths, standardization, derived columns, value text.
@Suite struct ComponentTests {
    static func strings(_ values: [String?]) -> Column {
        var builder = ColumnBuilder(.string)
        for value in values { if let value { builder.append(string: value) } else { builder.appendNull() } }
        return builder.build()
    }

    @Test func fingerprintsSeparateNullEmptyAndColumnBoundaries() {
        let a = Self.strings(["ab", "a", nil, "", "x"])
        let b = Self.strings(["c", "bc", "", nil, "x"])
        let keys = KeyHasher.hashes([a, b], rowCount: 5)
        // ("ab","c") vs ("a","bc"): same concatenation, different keys.
        #expect(keys[0] != keys[1])
        // (NULL, "") vs ("", NULL).
        #expect(keys[2] != keys[3])
        let again = KeyHasher.hashes([Self.strings(["x"]), Self.strings(["x"])], rowCount: 1)
        #expect(again[0] == keys[4])
        let ints = KeyHasher.hashes([Column(type: .int64, storage: .int64([0, 0]), validity: [true, false])], rowCount: 2)
        #expect(ints[0] != ints[1], "0 and NULL differ")
        let doubles = KeyHasher.hashes([Column(type: .float64, storage: .float64([0.0, -0.0]))], rowCount: 2)
        #expect(doubles[0] == doubles[1], "0.0 and -0.0 are the same key")
    }

    @Test func keySetGrowsAndRemembersWhatThisRunAdded() {
        var set = KeySet()
        var generator = SystemRandomNumberGenerator()
        let loaded = (0..<5000).map { _ in KeyHash(high: generator.next(), low: generator.next()) }
        for key in loaded {
            let inserted = set.insert(key, markAdded: false)
            #expect(inserted)
        }
        let added = (0..<3000).map { _ in KeyHash(high: generator.next(), low: generator.next()) }
        for key in added {
            let inserted = set.insert(key, markAdded: true)
            #expect(inserted)
        }
        for key in loaded + added {
            let inserted = set.insert(key, markAdded: true)
            #expect(!inserted, "a second insert is a duplicate")
        }
        #expect(set.count == 8000)
        #expect(set.addedCount == 3000)
        #expect(Set(set.addedKeys()) == Set(added.map(\.canonical)))
        #expect(Set(set.allKeys()) == Set((loaded + added).map(\.canonical)))
        #expect(set.contains(loaded[17]))
        #expect(!set.contains(KeyHash(high: 1, low: 8)))
    }

    @Test func keyFilesRoundTripAndRefuseDamage() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-keyfile")
        defer { directory.remove() }
        let keys = (0..<1000).map { KeyHash(high: UInt64($0) &* 0x9E37_79B9_7F4A_7C15, low: UInt64($0) << 2) }
        let path = directory.path + "/a/b/x.keys"
        try KeyFile.write(keys, to: path)
        var set = KeySet()
        #expect(try KeyFile.load(path, into: &set) == 1000)
        #expect(Set(set.allKeys()) == Set(keys))
        #expect(set.addedCount == 0)

        var bytes = try FileSystem.readFile(path)
        bytes[100] ^= 0x01
        try FileSystem.writeAtomically(bytes, to: path)
        var damaged = KeySet()
        #expect { try KeyFile.load(path, into: &damaged) } throws: { ($0 as? TarnError)?.message.contains("CRC-32C") == true }
        try FileSystem.writeAtomically(Array(bytes.prefix(500)), to: path)
        #expect { try KeyFile.load(path, into: &damaged) } throws: { ($0 as? TarnError)?.code == .corrupt }
    }

    @Test func partitionPathsEscapeLikeHive() {
        #expect(PartitionRouter.escape("2024") == "2024")
        #expect(PartitionRouter.escape("a/b=c") == "a%2Fb%3Dc")
        #expect(PartitionRouter.escape("x:y%z") == "x%3Ay%25z")
        #expect(PartitionRouter.escape("tab\there") == "tab%09here")
        #expect(PartitionRouter.escape("Zürich") == "Zürich")
        #expect(PartitionRouter.escape("") == "__HIVE_DEFAULT_PARTITION__")
        #expect(PartitionRouter.escape(nil) == "__HIVE_DEFAULT_PARTITION__")
    }

    @Test func routerNumbersPartitionsInOrderOfAppearance() {
        var router = PartitionRouter(columns: [0, 1])
        let batch = RecordBatch(
            schema: Schema([Field("region", .string), Field("day", .int32)]),
            columns: [Self.strings(["west", "west", "east", "west", nil]), Column(type: .int32, storage: .int32([1, 1, 1, 2, 1]))])
        #expect(router.route(batch) == [0, 0, 1, 2, 3])
        #expect(router.route(batch) == [0, 0, 1, 2, 3], "known partitions keep their slots")
        #expect(router.spec(2, keys: ["region", "day"]) == "region=west/day=2")
        #expect(router.spec(3, keys: ["region", "day"]) == "region=__HIVE_DEFAULT_PARTITION__/day=1")
    }

    @Test func standardizationTrimsAndChangesCaseOfASCIIOnly() {
        let column = Self.strings(["  Hello ", "ÄbC", "\t\n", nil, "x"])
        let result = Standardizer.apply([.trim, .lower, .emptyAsNull], to: column)
        #expect((0..<5).map { result.string(at: $0) } == ["hello", "Äbc", nil, nil, "x"])
        let upper = Standardizer.apply([.upper], to: column)
        #expect(upper.string(at: 0) == "  HELLO ")
    }

    @Test func derivedCalendarColumnsInUTC() {
        // 1969-12-31T23:59:59.5Z, 2024-02-29T23:00:00Z, 2024-03-01T00:00:00Z in microseconds.
        let source = Column(type: .timestamp(.microseconds, utc: false), storage: .int64([-500_000, 1_709_247_600_000_000, 1_709_251_200_000_000]))
        func values(_ function: Derivation.Function) -> [Int32] {
            guard case .int32(let v) = DerivedColumns.compute(function, from: source).storage else { return [] }
            return v
        }
        #expect(values(.year) == [1969, 2024, 2024])
        #expect(values(.month) == [12, 2, 3])
        #expect(values(.day) == [31, 29, 1])
        #expect(values(.hour) == [23, 23, 0])
        #expect(values(.date) == [-1, 19_782, 19_783])
    }

    @Test func valueText() {
        #expect(ValueText.decimal(-1205, scale: 2) == "-12.05")
        #expect(ValueText.decimal(5, scale: 3) == "0.005")
        #expect(ValueText.timestamp(1_709_251_200_123_456, unit: .microseconds) == "2024-03-01T00:00:00.123456Z")
        #expect(ValueText.timestamp(-1, unit: .seconds) == "1969-12-31T23:59:59Z")
        #expect(ValueText.date(0) == "1970-01-01")
    }

    @Test func patternMatcherMemoizesWithoutChangingAnswers() throws {
        let matcher = try PatternMatcher("[A-Z]{2}[0-9]+")
        for _ in 0..<3 {
            for (text, expected) in [("AB123", true), ("AB", false), ("ab123", false), ("XAB123", false), ("ÄB1", false)] {
                #expect(Array(text.utf8).withUnsafeBytes { matcher.matches($0) } == expected, "\(text)")
            }
        }
    }

    @Test func batchIDsDependOnlyOnJobAndInputs() {
        let a = SourceObject(bucket: "b", key: "k1", etag: "e1", size: 1)
        let b = SourceObject(bucket: "b", key: "k2", etag: "e2", size: 2)
        #expect(JobRunner.batchID(job: "j", kind: .ingest, inputs: [a, b]) == JobRunner.batchID(job: "j", kind: .ingest, inputs: [a, b]))
        #expect(JobRunner.batchID(job: "j", kind: .ingest, inputs: [a, b]) != JobRunner.batchID(job: "j", kind: .ingest, inputs: [a]))
        #expect(JobRunner.batchID(job: "j", kind: .ingest, inputs: [a]) != JobRunner.batchID(job: "k", kind: .ingest, inputs: [a]))
        var changed = a
        changed.etag = "e9"
        #expect(JobRunner.batchID(job: "j", kind: .ingest, inputs: [a]) != JobRunner.batchID(job: "j", kind: .ingest, inputs: [changed]))
        #expect(JobRunner.batchID(job: "j", kind: .ingest, inputs: []).count == 32)
    }
}

/// The byte DFA answers exactly as `Regex.wholeMatch` wherever it answers at all.
@Suite struct ByteDFATests {
    static let patterns = [
        "O[0-9]{9}", "S[0-9]{4}", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "u[0-9]{7}", "^[A-Z][a-z]+$",
        "(ab|cd)*e?", "a{2,4}b{0,}c{1}", "[^,\\s]+", "\\d+(\\.\\d{1,2})?", "\\w+@\\w+\\.(com|org)", ".*x.*", "(?:a|b)+?c",
        "[\\-+]?[0-9]*", "[a-c-]+", "\\S\\s\\S", "[a\\]]+", "a|", "(|x)y", "[.][*]\\?", "\\D\\W",
    ]

    static func randomStrings(_ count: Int) -> [String] {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdexyzABZ019.-_ ,@*+?\t!~".unicodeScalars)
        var result = ["", "O123456789", "O12345678", "S0001", "u0000001", "abab", "abcde", "aab", "aaaabbc", "1.25", "x@y.com", "ccc", "+12", "a\tb", "]a]", "x", "y", "xy", ".*?", "a!", "a]a"]
        for _ in 0..<count {
            let length = Int(generator.next(upperBound: UInt32(14)))
            result.append(String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })))
        }
        return result
    }

    @Test(arguments: patterns)
    func agreesWithRegex(pattern: String) throws {
        let dfa = try #require(ByteDFA.compile(pattern), "\(pattern) is in the regular subset")
        let regex = try Regex(pattern)
        for text in Self.randomStrings(3000) {
            let expected = (try regex.wholeMatch(in: text)) != nil
            let answer = Array(text.utf8).withUnsafeBytes { dfa.matches($0) }
            #expect(answer == expected, "\(pattern) on \(text.debugDescription)")
        }
    }

    @Test func outsideTheSubsetFallsBack() throws {
        for pattern in ["(a)\\1", "(?=a)a", "\\bword\\b", "\\p{L}+", "(?i)abc", "a++", "[[:alpha:]]", "é+"] {
            #expect(ByteDFA.compile(pattern) == nil, "\(pattern)")
        }
        // Values beyond printable ASCII are left to Regex, which treats "\r\n" and "é" as one character.
        let dfa = try #require(ByteDFA.compile("a.b"))
        #expect(Array("a\r\nb".utf8).withUnsafeBytes { dfa.matches($0) } == nil)
        #expect(Array("aéb".utf8).withUnsafeBytes { dfa.matches($0) } == nil)
        let matcher = try PatternMatcher("a.b")
        #expect(Array("aéb".utf8).withUnsafeBytes { matcher.matches($0) })
        #expect(!Array("a\r\nxb".utf8).withUnsafeBytes { matcher.matches($0) })
    }

    @Test func retailPatternsAllHaveTheFastPath() throws {
        for definition in RetailJobs.all() {
            for column in definition.target.columns {
                if let pattern = column.rules.pattern { #expect(try PatternMatcher(pattern).hasFastPath, "\(definition.name).\(column.name)") }
            }
        }
    }
}
