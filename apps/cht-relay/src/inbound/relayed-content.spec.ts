import { relayedContent } from './relayed-content';

describe('relayedContent', () => {
  it('is the text of a message without attachments', () => {
    expect(relayedContent({ text: 'D1 report 42' })).toBe('D1 report 42');
    expect(relayedContent({ text: '' })).toBe('');
  });

  it("puts each file's URL on a line of its own after the text", () => {
    expect(
      relayedContent({
        text: 'Photo of the rash',
        attachments: [
          { url: 'https://files.example/rash.jpg', contentType: 'image/jpeg' },
          { url: 'https://files.example/note.pdf', name: 'note.pdf', size: 1_024 },
        ],
      }),
    ).toBe('Photo of the rash\nhttps://files.example/rash.jpg\nhttps://files.example/note.pdf');
  });

  it('is the URLs alone when the message has no text', () => {
    const attachments = [{ url: 'https://files.example/a.jpg' }, { url: 'http://files.example/b.ogg' }];
    expect(relayedContent({ text: '', attachments })).toBe(
      'https://files.example/a.jpg\nhttp://files.example/b.ogg',
    );
    expect(relayedContent({ text: ' \n', attachments })).toBe(
      'https://files.example/a.jpg\nhttp://files.example/b.ogg',
    );
  });
});
