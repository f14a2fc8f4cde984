// Test classes share one engine and each cleans up this run's containers (by label) after every
// test, so classes running side by side would remove each other's containers mid-test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
