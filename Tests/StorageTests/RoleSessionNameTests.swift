import Storage
import Testing

/// The session names workers derive from job, mart and delivery stream names are ones STS
/// accepts: 64 characters at most of `[A-Za-z0-9_+=,.@-]`.
@Suite struct RoleSessionNameTests {
    @Test func allowedCharactersStayAsTheyAre() {
        #expect(RoleSessionName.cleaned("mart-dev.daily_sales") == "mart-dev.daily_sales")
        #expect(RoleSessionName.cleaned("load@2026-11-26T04:00:00Z+1=a,b") == "load@2026-11-26T04-00-00Z+1=a,b")
    }

    @Test func otherCharactersBecomeOneDashEach() {
        // Non-ASCII letters and digits are not `\w` for IAM; each character is one dash.
        #expect(RoleSessionName.cleaned("ventes été/2026") == "ventes--t--2026")
        #expect(RoleSessionName.cleaned("数据@run") == "--@run")
        #expect(RoleSessionName.cleaned("a\u{301}b") == "-b")
    }

    @Test func cutToSixtyFourCharacters() {
        let name = RoleSessionName.cleaned("mart-" + String(repeating: "é", count: 100))
        #expect(name == "mart-" + String(repeating: "-", count: 59))
        #expect(RoleSessionName.cleaned(String(repeating: "a", count: 64)).count == 64)
    }
}
