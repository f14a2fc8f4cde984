// Test classes clean up by this run's label after each test, so two classes running at once would
// remove each other's containers; and the engine is shared with other runs already. One at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
