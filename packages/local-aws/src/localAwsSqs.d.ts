// The state API that patches/local-aws-sqs@2.0.2.patch adds to the emulator's queue class
// (see patches/README.md); the package's own types do not know it.
import 'local-aws-sqs/dist/lib/queue';

declare module 'local-aws-sqs/dist/lib/queue' {
  interface SavedMessage {
    record: { MessageId: string; attributes: Record<string, string>; [key: string]: unknown };
    delayed: boolean;
    visible: boolean;
    /** Epoch ms at which an in-flight message becomes visible again. */
    visibleAt?: number;
  }
  interface Queue {
    exportMessages(): SavedMessage[];
    importMessages(messages: readonly SavedMessage[]): number;
  }
}
