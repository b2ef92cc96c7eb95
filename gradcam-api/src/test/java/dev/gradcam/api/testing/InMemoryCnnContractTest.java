package dev.gradcam.api.testing;

import dev.gradcam.api.spi.DifferentiableModelContract;

/** The in-memory model meets the backend contract, which also checks the contract itself against hand-derived math. */
class InMemoryCnnContractTest extends InMemoryCnnFixture implements DifferentiableModelContract {
}
