import Testing
import TarnCore
@testable import SQLParser

@Suite struct LexerTests {
    func lex(_ sql: String) throws -> [Token] {
        var lexer = Lexer(sql)
        return try lexer.tokenize()
    }

    @Test func positionsCountLinesAndColumns() throws {
        let tokens = try lex("SELECT a,\n  \"b c\" -- note\nFROM /* x\ny */ t")
        #expect(tokens.map(\.text) == ["SELECT", "a", ",", "b c", "FROM", "t", ""])
        #expect(tokens[0].location == SourceLocation(line: 1, column: 1))
        #expect(tokens[3].location == SourceLocation(line: 2, column: 3))
        #expect(tokens[3].kind == .quotedIdentifier)
        #expect(tokens[4].location == SourceLocation(line: 3, column: 1))
        #expect(tokens[5].location == SourceLocation(line: 4, column: 6))
    }

    @Test func stringsAndIdentifiersUnescapeDoubledQuotes() throws {
        let tokens = try lex("'it''s' \"a\"\"b\" `c`")
        #expect(tokens[0].kind == .string && tokens[0].text == "it's")
        #expect(tokens[1].kind == .quotedIdentifier && tokens[1].text == "a\"b")
        #expect(tokens[2].kind == .quotedIdentifier && tokens[2].text == "c")
    }

    @Test(arguments: [
        ("42", Token.Kind.integer), ("4.25", .decimal), (".5", .decimal), ("1e10", .double), ("2.5E-3", .double), ("7.", .decimal),
    ])
    func numberKinds(_ text: String, _ kind: Token.Kind) throws {
        let token = try lex(text)[0]
        #expect(token.kind == kind)
        #expect(token.text == text)
    }

    @Test func operators() throws {
        #expect(try lex("a<=b<>c!=d||e=>f").filter { $0.kind == .symbol }.map(\.text) == ["<=", "<>", "!=", "||", "=>"])
    }

    @Test func unterminatedStringReportsItsStart() throws {
        #expect(throws: TarnError(.syntaxError, "line 2:5: unterminated string")) { try lex("x\nab  'oops") }
    }

    @Test func unknownCharacter() throws {
        #expect(throws: TarnError(.syntaxError, "line 1:8: token recognition error at: '$'")) { try lex("SELECT $x") }
    }
}
