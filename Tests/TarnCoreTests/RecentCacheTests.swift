import Testing

@testable import TarnCore

@Suite struct RecentCacheTests {
    @Test func keepsAWorkingSetAsLargeAsAGenerationHoweverLongItIsRead() {
        var cache = RecentCache<Int, String>(generationSize: 100)
        var misses = 0
        for round in 0..<20 {
            for key in 0..<100 {
                if cache.value(for: key) == nil {
                    misses += 1
                    cache.insert("v\(key)", for: key)
                }
                #expect(cache.value(for: key) == "v\(key)", "round \(round) key \(key)")
            }
        }
        #expect(misses == 100)  // only the first round
        #expect(cache.count <= 200)
    }

    @Test func holdsAtMostTwoGenerationsAndDropsWhatWasNotUsed() {
        var cache = RecentCache<Int, Int>(generationSize: 10)
        for key in 0..<1000 { cache.insert(key, for: key) }
        #expect(cache.count <= 20)
        #expect(cache.value(for: 0) == nil)
        #expect(cache.value(for: 999) == 999)
        #expect(cache.value(for: 985) == 985)  // in the old generation
    }

    @Test func aHitInTheOldGenerationSurvivesTheNextTurnover() {
        var cache = RecentCache<Int, Int>(generationSize: 4)
        for key in 0..<4 { cache.insert(key, for: key) }
        cache.insert(4, for: 4)  // 0...3 are now the old generation
        #expect(cache.value(for: 1) == 1)  // moved to the young one
        for key in 5..<7 { cache.insert(key, for: key) }  // young: 4, 1, 5, 6 (full)
        cache.insert(7, for: 7)  // young becomes old; 0, 2, 3 are dropped
        #expect(cache.value(for: 1) == 1)
        #expect(cache.value(for: 0) == nil && cache.value(for: 2) == nil && cache.value(for: 3) == nil)
    }

    @Test func replacingAKeyInAFullGenerationDoesNotTurnItOver() {
        var cache = RecentCache<Int, Int>(generationSize: 2)
        cache.insert(1, for: 1)
        cache.insert(2, for: 2)
        cache.insert(20, for: 2)
        cache.insert(3, for: 3)  // turns over: 1 and 2 become old
        #expect(cache.value(for: 2) == 20)
        #expect(cache.value(for: 1) == 1)
    }

    @Test func aWorkingSetReadEveryRoundSurvivesTurnoversCausedByOtherKeys() {
        var cache = RecentCache<Int, Int>(generationSize: 100)
        var fresh = 1000
        for round in 0..<50 {
            for key in 0..<50 {
                if round > 0 { #expect(cache.value(for: key) == key, "round \(round) key \(key)") }
                cache.insert(key, for: key)
            }
            for _ in 0..<30 {  // keys read once: they turn the generations over every few rounds
                cache.insert(fresh, for: fresh)
                fresh += 1
            }
        }
        #expect(cache.value(for: 1000) == nil)  // long gone
        #expect(cache.count <= 200)
    }

    @Test func reinsertingAKeyHeldInTheOldGenerationReturnsTheNewValue() {
        var cache = RecentCache<Int, String>(generationSize: 2)
        cache.insert("a", for: 1)
        cache.insert("b", for: 2)
        cache.insert("c", for: 3)  // 1 and 2 are old now
        cache.insert("a2", for: 1)
        #expect(cache.value(for: 1) == "a2")
        cache.insert("d", for: 4)  // turns over: young (3, 1) becomes old
        #expect(cache.value(for: 1) == "a2")
        #expect(cache.value(for: 2) == nil)
    }
}
