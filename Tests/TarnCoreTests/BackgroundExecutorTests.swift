import Foundation
import Testing

@testable import TarnCore

/// Tasks that prefer `BackgroundExecutor` run on its threads, and so do their child tasks and
/// the default actors they call (a server's event loops stay free).
@Suite struct BackgroundExecutorTests {
    static func onBackground() -> Bool { BackgroundExecutor.isCurrentThread }

    actor Probe {
        func onBackground() -> Bool { BackgroundExecutorTests.onBackground() }
    }

    @Test func tasksChildrenAndActorsRunOnIt() async {
        let places = await Task(executorPreference: BackgroundExecutor.shared) {
            let own = Self.onBackground()
            let fromActor = await Probe().onBackground()
            let fromChild = await withTaskGroup(of: Bool.self) { group in
                group.addTask { Self.onBackground() }
                return await group.next() ?? false
            }
            return [own, fromActor, fromChild]
        }.value
        #expect(places == [true, true, true])
        let elsewhere = await Task { Self.onBackground() }.value
        #expect(!elsewhere)
    }
}
