import { dismiss, useMessages } from './messages';
import { CloseIcon } from '../shared/ui/icons';

export function Messages() {
  const messages = useMessages((s) => s.messages);
  if (messages.length === 0) return null;
  return (
    <div className="messages" aria-live="polite">
      {messages.map((m) => (
        <div key={m.id} className={`message ${m.kind}`} role={m.kind === 'error' ? 'alert' : 'status'} data-testid={`message-${m.kind}`}>
          <span>{m.text}</span>
          <button type="button" onClick={() => dismiss(m.id)} aria-label="Dismiss">
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
