// Integration tests share two cores with real brokers and databases: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
