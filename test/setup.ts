// Tests see the world as a developer's terminal does: Ink renders every frame only when it does
// not think it runs in CI (it reads CI when first imported), and the CLI under test decides
// interactivity from its own environment, which each test sets.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
