import { afterAll } from '@jest/globals'
import { removeTempDirs } from './helpers/tmp.js'

// Every test file, unit and end-to-end: the temporary folders it made are gone when it ends.
afterAll(removeTempDirs)
