import { jest } from '@jest/globals'

// End-to-end steps download QEMU and build images: minutes, not the unit tests' seconds.
jest.setTimeout(300_000)
