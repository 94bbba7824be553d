import Foundation
import Testing
import TarnTesting
@testable import TextFormats

/// nst/JSONTestSuite (Fixtures/json/JSONTestSuite): every `y_` file parses, every `n_` file is
/// rejected, every `i_` file either way without crashing.
@Suite struct JSONTestSuiteTests {
    static let directory = Fixtures.path("TextFormatsTests", "json/JSONTestSuite")
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.hasSuffix(".json") }.sorted()

    func parse(_ name: String) throws -> Bool {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/\(name)")))
        var parser = JSONParser()
        var tape = JSONTape()
        return bytes.withUnsafeBufferPointer { buffer in
            // An empty file has no base address; give the parser a valid pointer of length 0.
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            return (try? parser.parse(base, from: 0, to: buffer.count, into: &tape)) != nil
        }
    }

    @Test func suiteIsComplete() {
        #expect(Self.files.count == 318)
    }

    @Test(arguments: files.filter { $0.hasPrefix("y_") })
    func accepts(name: String) throws {
        #expect(try parse(name))
    }

    @Test(arguments: files.filter { $0.hasPrefix("n_") })
    func rejects(name: String) throws {
        #expect(try !parse(name))
    }

    @Test(arguments: files.filter { $0.hasPrefix("i_") })
    func survives(name: String) throws {
        _ = try parse(name)
    }

    @Test func tapeLayout() throws {
        let text = Array(#"{"a":[1,"x\n"],"b":null, "c":{}}"#.utf8)
        var parser = JSONParser()
        var tape = JSONTape()
        let root = try text.withUnsafeBufferPointer { try parser.parse($0.baseAddress!, from: 0, to: $0.count, into: &tape) }
        #expect(root == 0)
        #expect(tape.tokens.map(\.kind) == [.object, .string, .array, .number, .string, .string, .null, .string, .object])
        #expect(tape.skip(0) == 9 && tape.skip(2) == 5)
        let members = tape.members(ofObject: 0)
        #expect(members.count == 3)
        try text.withUnsafeBytes { raw in
            #expect(tape.string(at: 4, in: raw) == "x\n")
            #expect(tape.elements(ofArray: 2) == [3, 4])
            #expect(String(decoding: tape.rawText(at: 2, in: raw), as: UTF8.self) == #"[1,"x\n"]"#)
            let key = try #require(members.last?.key)
            #expect(tape.string(at: key, in: raw) == "c")
        }
    }
}
