export {
  createStream,
  credentials,
  kinesisClient,
  readCaughtUp,
  readStream,
  useLocalKinesis,
} from '../../../../tools/testing/local-kinesis.js';
